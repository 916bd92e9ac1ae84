using System.Security.Cryptography;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Tests.Explanation;

/// <summary>Writes a model and a minimal card into a temporary folder and loads it the way the agent does.</summary>
internal static class ScorerFolder
{
    public static OnnxScorer Load(byte[] onnx, float[]? baseline = null, int maxBatch = 64)
    {
        var folder = Path.Combine(Path.GetTempPath(), "edgeagent-explain-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "m-1.0.0.onnx"), onnx);
            var card = new ModelCard
            {
                Name = "m",
                Version = "1.0.0",
                Kind = "test",
                File = "m-1.0.0.onnx",
                Sha256 = DataFiles.Sha256Of(onnx),
                Features = new ModelFeatures { SchemaVersion = FeatureSchema.Version, Names = FeatureSchema.Names },
                Input = new TensorSpec { Name = "features", Shape = [-1, FeatureSchema.Count] },
                Output = new OutputSpec { Name = "probability", Shape = [-1, 1] },
                Thresholds = new ThresholdSpec { Review = 0.5, Decline = 0.9 },
                Reference = baseline is null ? null : new ModelReference
                {
                    Period = "test",
                    Score = new BinnedDistribution { Edges = [0.5f], Shares = [0.5, 0.5] },
                    Features = [],
                    Baseline = baseline,
                },
            };
            // Signed with a key of its own that the load trusts, as the agent loads only signed cards.
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var publicKey = Path.Combine(folder, "test.pub.pem");
            File.WriteAllText(publicKey, key.ExportSubjectPublicKeyInfoPem());
            File.WriteAllText(Path.Combine(folder, "m-1.0.0.card.json"), ModelCardSigning.Sign(ModelCardJson.Write(card), key));
            return ModelLoader.Load(folder, "m-1.0.0",
                new InferenceOptions { Provider = ExecutionProvider.Cpu, MaxBatchSize = maxBatch, ModelSigningKeys = [publicKey] });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="matrix"/> from <paramref name="start"/> in one batch.</summary>
    public static float[] Score(OnnxScorer scorer, FeatureMatrix matrix, int start, int rows)
    {
        var input = scorer.InputRows(rows);
        for (var r = 0; r < rows; r++)
        {
            matrix.Row(start + r).CopyTo(input[(r * FeatureSchema.Count)..]);
        }

        var scores = new float[rows];
        scorer.Score(rows, scores);
        return scores;
    }

    public static double Logit(double p) => Math.Log(p / (1 - p));
}
