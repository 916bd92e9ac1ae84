using System.Text.Json.Serialization;

namespace EdgeAgent.Core.Scoring;

/// <summary>
/// What a model file promises: its inputs and outputs, the features it was trained on, the thresholds chosen
/// for it and how well it did on months it never saw. Written by the training command next to the ONNX file
/// (<c>{file}.card.json</c>) and checked by the agent before the model scores anything.
/// </summary>
public sealed class ModelCard
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>Model family, e.g. <c>gradient-boosted-trees</c>, <c>mlp</c>, <c>mlp-int8-qdq</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>ONNX file name, relative to the card.</summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex SHA-256 of the ONNX file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the ONNX file in bytes.</summary>
    public long SizeBytes { get; init; }

    public string? Description { get; init; }

    public required ModelFeatures Features { get; init; }

    public required TensorSpec Input { get; init; }

    public required OutputSpec Output { get; init; }

    public required ThresholdSpec Thresholds { get; init; }

    public ModelEvaluation? Metrics { get; init; }

    /// <summary>
    /// The training months as the drift watch compares live traffic with them: score and feature distributions,
    /// and the band the hourly alert rate kept on the validation month. Absent on older cards: no drift watch then.
    /// </summary>
    public ModelReference? Reference { get; init; }

    public ModelLineage? Lineage { get; init; }

    [JsonIgnore]
    public ModelIdentity Identity => new(Name, Version);
}

/// <summary>The feature schema a model was trained on.</summary>
public sealed class ModelFeatures
{
    public required string SchemaVersion { get; init; }

    public required IReadOnlyList<string> Names { get; init; }
}

/// <summary>An input tensor; -1 marks the batch dimension.</summary>
public sealed class TensorSpec
{
    public required string Name { get; init; }

    public string ElementType { get; init; } = "float32";

    public required long[] Shape { get; init; }
}

/// <summary>The output tensor holding fraud probabilities: <see cref="ScoreColumn"/> of a [batch, columns] tensor.</summary>
public sealed class OutputSpec
{
    public required string Name { get; init; }

    public string ElementType { get; init; } = "float32";

    public required long[] Shape { get; init; }

    /// <summary>Which column holds the fraud probability (1 for a [batch, 2] class-probability output).</summary>
    public int ScoreColumn { get; init; }
}

/// <summary>Thresholds that came with the model, and how they were chosen.</summary>
public sealed class ThresholdSpec
{
    public required double Review { get; init; }

    public required double Decline { get; init; }

    /// <summary>Share of payments the review threshold flags on the month it was chosen on.</summary>
    public double ReviewAlertRate { get; init; }

    /// <summary>Share of payments the decline threshold flags on the month it was chosen on.</summary>
    public double DeclineAlertRate { get; init; }

    /// <summary>The data the thresholds were chosen on, e.g. <c>validation 2023-10</c>.</summary>
    public string? ChosenOn { get; init; }

    [JsonIgnore]
    public DecisionThresholds AsThresholds => new(Review, Decline);
}

/// <summary>Metrics on the validation and held-out test periods, and in every store layout the model was measured in.</summary>
public sealed class ModelEvaluation
{
    /// <summary>The validation month in the layout the model was trained in, all cards.</summary>
    public EvaluationMetrics? Validation { get; init; }

    /// <summary>The test months in the layout the model was trained in, all cards.</summary>
    public EvaluationMetrics? Test { get; init; }

    /// <summary>Every layout, split by time and by cardholder (see <see cref="LayoutMetrics"/>).</summary>
    public IReadOnlyList<LayoutMetrics>? Layouts { get; init; }
}

/// <summary>How well a model ranks and flags fraud on one period.</summary>
public sealed class EvaluationMetrics
{
    public required string Period { get; init; }

    public long Rows { get; init; }

    public long Frauds { get; init; }

    public double RocAuc { get; init; }

    public double PrAuc { get; init; }

    public double RecallAtHalfPctAlertRate { get; init; }

    public double RecallAt1PctAlertRate { get; init; }

    /// <summary>Mean squared error of the probabilities (lower is better calibrated).</summary>
    public double? Brier { get; init; }

    /// <summary>Expected calibration error over ten equal-width bins.</summary>
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>Recall and alert rate at the card's review and decline thresholds.</summary>
    public double? RecallAtReview { get; init; }

    public double? AlertRateAtReview { get; init; }

    public double? RecallAtDecline { get; init; }

    public double? AlertRateAtDecline { get; init; }
}

/// <summary>Where a model came from, so it can be made again.</summary>
public sealed class ModelLineage
{
    public string? Data { get; init; }

    public string? DataSha256 { get; init; }

    public string? TrainPeriod { get; init; }

    public string? ValidationPeriod { get; init; }

    public string? TestPeriod { get; init; }

    public int? Seed { get; init; }

    public string? Command { get; init; }

    public string? Parent { get; init; }

    public string? CreatedAt { get; init; }

    public string? Trainer { get; init; }
}
