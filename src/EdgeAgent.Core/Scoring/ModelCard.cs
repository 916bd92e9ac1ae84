using System.Text.Json.Serialization;

namespace EdgeAgent.Core.Scoring;

/// <summary>
/// What a model file promises: its inputs and outputs, the features it was trained on, the thresholds chosen
/// for it and how well it did on months it never saw. Written by the training command next to the ONNX file
/// (<c>{file}.card.json</c>) and checked by the agent before the model scores anything.
/// </summary>
public sealed class ModelCard
{
    /// <summary>The model's name, e.g. <c>fraud-gbt</c>; every answer names it.</summary>
    public required string Name { get; init; }

    /// <summary>The model's version, e.g. <c>1.0.0</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Model family, e.g. <c>gradient-boosted-trees</c>, <c>mlp</c>, <c>mlp-int8-qdq</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>ONNX file name, relative to the card.</summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex SHA-256 of the ONNX file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the ONNX file in bytes.</summary>
    public long SizeBytes { get; init; }

    /// <summary>One line: model, feature schema and the fidelity result.</summary>
    public string? Description { get; init; }

    /// <summary>The feature schema the model was trained on; the agent refuses a model whose schema is not its own.</summary>
    public required ModelFeatures Features { get; init; }

    /// <summary>The input tensor the agent fills with feature rows.</summary>
    public required TensorSpec Input { get; init; }

    /// <summary>The output tensor the agent reads the fraud probability from.</summary>
    public required OutputSpec Output { get; init; }

    /// <summary>The review and decline thresholds chosen for this model.</summary>
    public required ThresholdSpec Thresholds { get; init; }

    /// <summary>How the model did on the validation and test months; absent on cards that were not evaluated.</summary>
    public ModelEvaluation? Metrics { get; init; }

    /// <summary>
    /// The training months as the drift watch compares live traffic with them: score and feature distributions,
    /// and the band the hourly alert rate kept on the validation month. Absent on older cards: no drift watch then.
    /// </summary>
    public ModelReference? Reference { get; init; }

    /// <summary>Where the model came from, so that it can be made again.</summary>
    public ModelLineage? Lineage { get; init; }

    /// <summary>The training key's signature over the rest of the card (<see cref="ModelCardSigning"/>); absent on an unsigned card.</summary>
    public ModelCardSignature? Signature { get; init; }

    /// <summary><c>name@version</c>, as answers and metrics name the model.</summary>
    [JsonIgnore]
    public ModelIdentity Identity => new(Name, Version);
}

/// <summary>The feature schema a model was trained on.</summary>
public sealed class ModelFeatures
{
    /// <summary>The feature schema version, e.g. <c>fraud-features/3</c>.</summary>
    public required string SchemaVersion { get; init; }

    /// <summary>The features in the order of the input tensor's columns.</summary>
    public required IReadOnlyList<string> Names { get; init; }
}

/// <summary>An input tensor; -1 marks the batch dimension.</summary>
public sealed class TensorSpec
{
    /// <summary>The tensor's name in the ONNX graph.</summary>
    public required string Name { get; init; }

    /// <summary>The element type; only <c>float32</c> is read.</summary>
    public string ElementType { get; init; } = "float32";

    /// <summary>The dimensions; -1 for the batch.</summary>
    public required long[] Shape { get; init; }
}

/// <summary>The output tensor holding fraud probabilities: <see cref="ScoreColumn"/> of a [batch, columns] tensor.</summary>
public sealed class OutputSpec
{
    /// <summary>The tensor's name in the ONNX graph.</summary>
    public required string Name { get; init; }

    /// <summary>The element type; only <c>float32</c> is read.</summary>
    public string ElementType { get; init; } = "float32";

    /// <summary>The dimensions; -1 for the batch.</summary>
    public required long[] Shape { get; init; }

    /// <summary>Which column holds the fraud probability (1 for a [batch, 2] class-probability output).</summary>
    public int ScoreColumn { get; init; }
}

/// <summary>Thresholds that came with the model, and how they were chosen.</summary>
public sealed class ThresholdSpec
{
    /// <summary>A probability at or above it is answered <c>review</c>.</summary>
    public required double Review { get; init; }

    /// <summary>A probability at or above it is answered <c>decline</c>.</summary>
    public required double Decline { get; init; }

    /// <summary>Share of payments the review threshold flags on the month it was chosen on.</summary>
    public double ReviewAlertRate { get; init; }

    /// <summary>Share of payments the decline threshold flags on the month it was chosen on.</summary>
    public double DeclineAlertRate { get; init; }

    /// <summary>The data the thresholds were chosen on, e.g. <c>validation 2023-10</c>.</summary>
    public string? ChosenOn { get; init; }

    /// <summary>The two thresholds as the decision policy takes them.</summary>
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
    /// <summary>The months measured, e.g. <c>2023-11..2023-12</c>.</summary>
    public required string Period { get; init; }

    /// <summary>Payments in the period.</summary>
    public long Rows { get; init; }

    /// <summary>Fraudulent payments among them.</summary>
    public long Frauds { get; init; }

    /// <summary>Area under the ROC curve.</summary>
    public double RocAuc { get; init; }

    /// <summary>Area under the precision-recall curve: the ranking measure that counts with 0.5 % fraud.</summary>
    public double PrAuc { get; init; }

    /// <summary>Share of the frauds caught when the highest 0.5 % of scores are flagged.</summary>
    public double RecallAtHalfPctAlertRate { get; init; }

    /// <summary>Share of the frauds caught when the highest 1 % of scores are flagged.</summary>
    public double RecallAt1PctAlertRate { get; init; }

    /// <summary>Mean squared error of the probabilities (lower is better calibrated).</summary>
    public double? Brier { get; init; }

    /// <summary>Expected calibration error over ten equal-width bins.</summary>
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>Recall and alert rate at the card's review and decline thresholds.</summary>
    public double? RecallAtReview { get; init; }

    /// <summary>Share of payments at or above the review threshold.</summary>
    public double? AlertRateAtReview { get; init; }

    /// <summary>Share of the frauds at or above the decline threshold.</summary>
    public double? RecallAtDecline { get; init; }

    /// <summary>Share of payments at or above the decline threshold.</summary>
    public double? AlertRateAtDecline { get; init; }
}

/// <summary>Where a model came from, so it can be made again.</summary>
public sealed class ModelLineage
{
    /// <summary>The data file trained on (its name, not its path).</summary>
    public string? Data { get; init; }

    /// <summary>Lower-case hex SHA-256 of that file.</summary>
    public string? DataSha256 { get; init; }

    /// <summary>The training months.</summary>
    public string? TrainPeriod { get; init; }

    /// <summary>The validation month, where thresholds and early stopping were chosen.</summary>
    public string? ValidationPeriod { get; init; }

    /// <summary>The held-out test months.</summary>
    public string? TestPeriod { get; init; }

    /// <summary>The random seed of the training run.</summary>
    public int? Seed { get; init; }

    /// <summary>The command that made the model, as run from the repository root.</summary>
    public string? Command { get; init; }

    /// <summary>The model this one was derived from (an int8 model's float twin), as <c>name@version</c>.</summary>
    public string? Parent { get; init; }

    /// <summary>When the model was written, ISO 8601 UTC.</summary>
    public string? CreatedAt { get; init; }

    /// <summary>The trainer and its settings, in one line.</summary>
    public string? Trainer { get; init; }
}
