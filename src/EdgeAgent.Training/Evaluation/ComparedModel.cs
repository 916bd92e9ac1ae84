using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Evaluation;

/// <summary>One model of a comparison: its card, its file, and why it was left out, if it was.</summary>
public sealed record ComparedModel(ModelCard Card, byte[] Onnx, string? Skipped)
{
    public string Label => Card.Identity.ToString();

    /// <summary>Reads the card and its ONNX file; a model the agent would refuse is kept with the reason and not measured.</summary>
    public static ComparedModel Load(string cardPath)
    {
        var card = ModelCardJson.Parse(File.ReadAllText(cardPath));
        var onnxPath = Path.Combine(Path.GetDirectoryName(cardPath) ?? ".", card.File);
        if (!File.Exists(onnxPath))
        {
            return new ComparedModel(card, [], $"no file {card.File}");
        }

        var onnx = File.ReadAllBytes(onnxPath);
        var sha = Data.DataFiles.Sha256Of(onnx);
        if (!string.Equals(sha, card.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new ComparedModel(card, onnx, $"sha256 of {card.File} is {sha}, not the card's {card.Sha256}");
        }

        var problems = ModelCardCheck.AgainstFeatureSchema(card);
        return new ComparedModel(card, onnx, problems.Count == 0 ? null : "the agent would refuse it: " + string.Join("; ", problems));
    }
}
