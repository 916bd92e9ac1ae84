using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Cards;

/// <summary>What one run of a command that writes a model measured, from which the model's card is written.</summary>
public sealed record ModelRun
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>Model family for the card, e.g. <c>gradient-boosted-trees</c>, <c>mlp</c> or <c>mlp-int8-qdq</c>.</summary>
    public required string Kind { get; init; }

    public required byte[] Onnx { get; init; }

    public required OnnxContract Contract { get; init; }

    public required string Description { get; init; }

    public required TimeSplit Split { get; init; }

    public required string DataFile { get; init; }

    public required string DataSha256 { get; init; }

    public required int Seed { get; init; }

    public required string Command { get; init; }

    public required string Trainer { get; init; }

    /// <summary>The model this one was derived from (for a quantized model, its float twin); null for a trained model.</summary>
    public string? Parent { get; init; }

    public required ModelAssessment Evaluation { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string FileName => $"{Name}-{Version}.onnx";

    public string CardFileName => $"{Name}-{Version}.card.json";
}
