using System.Globalization;
using System.Reflection;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;
using Microsoft.ML;

namespace EdgeAgent.Training.Cards;

/// <summary>Writes the model card of a gradient-boosted-trees run.</summary>
public static class GbtCard
{
    public const string Kind = "gradient-boosted-trees";

    public static ModelCard From(GbtRun run)
    {
        var card = new ModelCard
        {
            Name = run.Name,
            Version = run.Version,
            Kind = Kind,
            File = run.FileName,
            Sha256 = DataFiles.Sha256Of(run.Onnx),
            SizeBytes = run.Onnx.LongLength,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"LightGBM binary classifier over {FeatureSchema.Version}, exported from ML.NET to ONNX. ONNX Runtime and ML.NET probabilities differ by at most {run.FidelityMaxAbsDifference:G3} on {run.FidelityRows} test rows."),
            Features = new ModelFeatures { SchemaVersion = FeatureSchema.Version, Names = FeatureSchema.Names },
            Input = run.Contract.Input,
            Output = run.Contract.Output,
            Thresholds = run.Thresholds,
            Metrics = new ModelEvaluation { Validation = run.Validation, Test = run.Test },
            Lineage = new ModelLineage
            {
                Data = run.DataFile,
                DataSha256 = run.DataSha256,
                TrainPeriod = run.Split.Train.ToString(),
                ValidationPeriod = run.Split.Validation.ToString(),
                TestPeriod = run.Split.Test.ToString(),
                Seed = run.Settings.Seed,
                Command = run.Command,
                CreatedAt = run.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Trainer = $"ML.NET {MlNetVersion()} LightGbm binary trainer: {run.Settings.Describe()}",
            },
        };

        var problems = ModelCardCheck.AgainstFeatureSchema(card);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The card would be refused by the agent: " + string.Join("; ", problems));
        }

        return card;
    }

    /// <summary>The package version (5.0.1), not the assembly version (5.0.0.0).</summary>
    private static string MlNetVersion()
    {
        var version = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
