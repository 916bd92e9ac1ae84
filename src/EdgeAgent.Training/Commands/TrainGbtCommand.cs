using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using EdgeAgent.Core.Features;
using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Onnx;
using Microsoft.ML;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>train-gbt</c>: replay the history through the agent's feature code in every store layout, train LightGBM on
/// the training months (and a twin without the held-out cardholders), export to ONNX in the agent's contract,
/// measure the exported files in every layout and write the model with its card.
/// </summary>
public static class TrainGbtCommand
{
    public const string Kind = "gradient-boosted-trees";

    /// <summary>Test rows on which the ONNX file is compared with ML.NET's own predictions.</summary>
    private const int FidelityRows = 5000;

    public static int Run(TrainOptions<GbtSettings> options, string command, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var dataSha256 = DataFiles.Sha256Of(options.Data);
        var data = LayoutData.Load(options.Data, options.Split, options.Layouts, options.Cards);
        CommandLog.Line(log, $"replayed the data in {data.Layouts.Count} layouts in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in data.Describe())
        {
            CommandLog.Line(log, line);
        }

        var trainClock = Stopwatch.StartNew();
        var model = GbtTrainer.Train(data.Training.Train, options.Settings);
        var onnx = OnnxExporter.Export(model, data.Training.Train);
        CommandLog.Line(log, $"trained {options.Settings.Describe()} in {trainClock.Elapsed.TotalSeconds:F1} s; exported {onnx.Length} bytes");
        byte[]? twin = null;
        if (options.Cards.HeldOutShare > 0)
        {
            trainClock.Restart();
            twin = OnnxExporter.Export(GbtTrainer.Train(data.TrainSeenCards, options.Settings), data.TrainSeenCards);
            CommandLog.Line(log, $"trained the cardholder-split twin on {data.TrainSeenCards.Rows} rows in {trainClock.Elapsed.TotalSeconds:F1} s");
        }

        using var scorer = new OnnxBatchScorer(onnx);
        var fidelity = data.Training.Test.Head(FidelityRows);
        var fidelityDifference = CommandLog.MaxAbsDifference(model.Predict(fidelity), scorer.Score(fidelity));
        CommandLog.Line(log, $"ONNX Runtime vs ML.NET on {fidelity.Rows} test rows: max |p(ONNX) - p(ML.NET)| = {fidelityDifference:G3}");

        var assessment = ModelAssessor.Assess(onnx, twin, data, options.ReviewRate, options.DeclineRate);
        var run = new ModelRun
        {
            Name = options.Name,
            Version = options.Version,
            Kind = Kind,
            Onnx = onnx,
            Contract = scorer.Contract,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"LightGBM binary classifier over {FeatureSchema.Version}, exported from ML.NET to ONNX. ONNX Runtime and ML.NET probabilities differ by at most {fidelityDifference:G3} on {fidelity.Rows} test rows."),
            Split = options.Split,
            DataFile = Path.GetFileName(options.Data),
            DataSha256 = dataSha256,
            Seed = options.Settings.Seed,
            Command = command,
            Trainer = $"ML.NET {MlNetVersion()} LightGbm binary trainer: {options.Settings.Describe()}",
            Evaluation = assessment,
            CreatedAt = DateTimeOffset.UtcNow,
        };

        var path = ModelCards.Write(run, options.Out, options.SigningKey);
        CommandLog.Assessment(log, assessment);
        CommandLog.Line(log, $"wrote {path} and {run.CardFileName} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>The package version (5.0.1), not the assembly version (5.0.0.0).</summary>
    private static string MlNetVersion()
    {
        var version = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
