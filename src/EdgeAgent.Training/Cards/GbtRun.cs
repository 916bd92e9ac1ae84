using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Cards;

/// <summary>Everything one training run measured, from which its model card is written.</summary>
public sealed record GbtRun
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required byte[] Onnx { get; init; }

    public required OnnxContract Contract { get; init; }

    public required GbtSettings Settings { get; init; }

    public required TimeSplit Split { get; init; }

    public required string DataFile { get; init; }

    public required string DataSha256 { get; init; }

    public required string Command { get; init; }

    public required ThresholdSpec Thresholds { get; init; }

    public required EvaluationMetrics Validation { get; init; }

    public required EvaluationMetrics Test { get; init; }

    /// <summary>Largest |ONNX − ML.NET| probability over <see cref="FidelityRows"/> test rows.</summary>
    public required double FidelityMaxAbsDifference { get; init; }

    public required int FidelityRows { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string FileName => $"{Name}-{Version}.onnx";

    public string CardFileName => $"{Name}-{Version}.card.json";
}
