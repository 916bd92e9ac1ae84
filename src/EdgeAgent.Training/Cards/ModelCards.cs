using System.Globalization;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Cards;

/// <summary>Writes a model and its card side by side, after checking that the agent would accept the card.</summary>
public static class ModelCards
{
    public static ModelCard From(ModelRun run)
    {
        var card = new ModelCard
        {
            Name = run.Name,
            Version = run.Version,
            Kind = run.Kind,
            File = run.FileName,
            Sha256 = DataFiles.Sha256Of(run.Onnx),
            SizeBytes = run.Onnx.LongLength,
            Description = run.Description,
            Features = new ModelFeatures { SchemaVersion = FeatureSchema.Version, Names = FeatureSchema.Names },
            Input = run.Contract.Input,
            Output = run.Contract.Output,
            Thresholds = run.Evaluation.Thresholds,
            Metrics = new ModelEvaluation { Validation = run.Evaluation.Validation, Test = run.Evaluation.Test, Layouts = run.Evaluation.Layouts },
            Reference = run.Evaluation.Reference,
            Lineage = new ModelLineage
            {
                Data = run.DataFile,
                DataSha256 = run.DataSha256,
                TrainPeriod = run.Split.Train.ToString(),
                ValidationPeriod = run.Split.Validation.ToString(),
                TestPeriod = run.Split.Test.ToString(),
                Seed = run.Seed,
                Command = run.Command,
                Parent = run.Parent,
                CreatedAt = run.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Trainer = run.Trainer,
            },
        };

        var problems = ModelCardCheck.AgainstFeatureSchema(card);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The card would be refused by the agent: " + string.Join("; ", problems));
        }

        return card;
    }

    /// <summary>
    /// Writes <c>{name}-{version}.onnx</c> and its card into <paramref name="folder"/>, the card signed with the private
    /// key in <paramref name="signingKey"/> (a PEM file) when one is given; returns the model's path.
    /// </summary>
    public static string Write(ModelRun run, string folder, string? signingKey = null)
    {
        var json = ModelCardJson.Write(From(run)) + "\n";
        if (signingKey is not null)
        {
            using var key = SigningKeys.ReadPrivate(signingKey);
            json = ModelCardSigning.Sign(json, key);
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, run.FileName);
        File.WriteAllBytes(path, run.Onnx);
        File.WriteAllText(Path.Combine(folder, run.CardFileName), json);
        return path;
    }
}
