using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Core.Samples;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Metrics;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>train-gbt</c>: replay the history through the agent's feature code, train LightGBM on the training
/// months, export to ONNX in the agent's contract, evaluate the exported file on the later months and
/// write it with its card.
/// </summary>
public static class TrainGbtCommand
{
    /// <summary>Test rows on which the ONNX file is compared with ML.NET's own predictions.</summary>
    private const int FidelityRows = 5000;

    public static int Run(TrainGbtOptions options, string command, TextWriter log)
    {
        if (!File.Exists(options.Data))
        {
            throw new UsageException($"No data file at '{options.Data}'.");
        }

        var clock = Stopwatch.StartNew();
        var dataSha256 = DataFiles.Sha256Of(options.Data);
        ReplayResult replay;
        using (var reader = DataFiles.OpenText(options.Data))
        {
            replay = FeatureReplay.Run(SparkovCsv.Read(reader), TrainingTokenizer.Create(), options.Split);
        }

        Log(log, $"replayed {replay.Rows} rows of {replay.Cards} cards in {clock.Elapsed.TotalSeconds:F1} s ({replay.OutOfOrder} out of time order)");
        Log(log, $"train {options.Split.Train}: {replay.Train.Rows} rows, {replay.Train.Frauds} frauds; validation {options.Split.Validation}: {replay.Validation.Rows} rows, {replay.Validation.Frauds} frauds; test {options.Split.Test}: {replay.Test.Rows} rows, {replay.Test.Frauds} frauds");

        var trainClock = Stopwatch.StartNew();
        var model = GbtTrainer.Train(replay.Train, options.Settings);
        Log(log, $"trained {options.Settings.Describe()} in {trainClock.Elapsed.TotalSeconds:F1} s");

        var onnx = OnnxExporter.Export(model);
        using var scorer = new OnnxBatchScorer(onnx);
        Log(log, $"exported {onnx.Length} bytes: {scorer.Contract}");

        var validationScores = scorer.Score(replay.Validation);
        var testScores = scorer.Score(replay.Test);
        var fidelity = replay.Test.Head(FidelityRows);
        var fidelityDifference = MaxAbsDifference(model.Predict(fidelity), testScores.AsSpan(0, fidelity.Rows));
        Log(log, $"ONNX Runtime vs ML.NET on {fidelity.Rows} test rows: max |p(ONNX) - p(ML.NET)| = {fidelityDifference:G3}");

        var chosenOn = "validation " + options.Split.Validation;
        var thresholds = ThresholdChooser.Choose(validationScores, replay.Validation.Labels, chosenOn, options.ReviewRate, options.DeclineRate);
        var run = new GbtRun
        {
            Name = options.Name,
            Version = options.Version,
            Onnx = onnx,
            Contract = scorer.Contract,
            Settings = options.Settings,
            Split = options.Split,
            DataFile = Path.GetFileName(options.Data),
            DataSha256 = dataSha256,
            Command = command,
            Thresholds = thresholds,
            Validation = PeriodEvaluator.Evaluate(chosenOn, validationScores, replay.Validation.Labels, thresholds),
            Test = PeriodEvaluator.Evaluate("test " + options.Split.Test, testScores, replay.Test.Labels, thresholds),
            FidelityMaxAbsDifference = fidelityDifference,
            FidelityRows = fidelity.Rows,
            CreatedAt = DateTimeOffset.UtcNow,
        };

        Directory.CreateDirectory(options.Out);
        File.WriteAllBytes(Path.Combine(options.Out, run.FileName), onnx);
        var cardJson = ModelCardJson.Write(GbtCard.From(run));
        File.WriteAllText(Path.Combine(options.Out, run.CardFileName), cardJson + "\n");

        Log(log, $"thresholds: review {thresholds.Review:G6} ({thresholds.ReviewAlertRate:P2} of {chosenOn}), decline {thresholds.Decline:G6} ({thresholds.DeclineAlertRate:P2})");
        LogMetrics(log, run.Validation);
        LogMetrics(log, run.Test);
        Log(log, $"wrote {Path.Combine(options.Out, run.FileName)} and {run.CardFileName} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        }

        return max;
    }

    private static void LogMetrics(TextWriter log, EvaluationMetrics m) => Log(
        log,
        $"{m.Period}: {m.Rows} rows, {m.Frauds} frauds, ROC-AUC {m.RocAuc:F4}, PR-AUC {m.PrAuc:F4}, recall@0.5% {m.RecallAtHalfPctAlertRate:F4}, recall@1% {m.RecallAt1PctAlertRate:F4}, Brier {m.Brier:F5}, ECE {m.ExpectedCalibrationError:F5}, review: recall {m.RecallAtReview:F4} alerts {m.AlertRateAtReview:P3}, decline: recall {m.RecallAtDecline:F4} alerts {m.AlertRateAtDecline:P3}");

    private static void Log(TextWriter log, FormattableString message) =>
        log.WriteLine(message.ToString(CultureInfo.InvariantCulture));
}
