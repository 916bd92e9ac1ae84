using System.Diagnostics;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Evaluation;
using EdgeAgent.Training.Metrics;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>evaluate</c>: every model in a folder, side by side in one run on the same test months: the card's
/// metrics recomputed from each file, the file size, and CPU scoring speed with the agent's session
/// settings. Prints a Markdown report and can write it to a file.
/// </summary>
public static class EvaluateCommand
{
    public static int Run(CommandArguments args, string command, TextWriter log)
    {
        var data = CommonOptions.DataFile(args);
        var folder = args.Text("models", "models");
        var report = args.Text("report", "");
        var split = CommonOptions.Split(args);
        var defaults = new SpeedSettings();
        var speed = new SpeedSettings
        {
            Seconds = args.Real("seconds", defaults.Seconds),
            Repeats = args.Whole("repeats", defaults.Repeats),
            LatencyCalls = args.Whole("latency-calls", defaults.LatencyCalls),
            WarmUpCalls = args.Whole("warm-up", defaults.WarmUpCalls),
        };
        args.EnsureAllRead();
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"No models folder at '{folder}'.");
        }

        if (speed.Seconds <= 0 || speed.Repeats < 1 || speed.LatencyCalls < 1 || speed.WarmUpCalls < 0)
        {
            throw new UsageException("--seconds > 0, --repeats ≥ 1, --latency-calls ≥ 1 and --warm-up ≥ 0 are required.");
        }

        var cards = Directory.GetFiles(folder, "*.card.json").Order(StringComparer.Ordinal).ToList();
        if (cards.Count == 0)
        {
            throw new UsageException($"No model cards (*.card.json) in '{folder}'.");
        }

        var clock = Stopwatch.StartNew();
        var models = cards.Select(ComparedModel.Load).ToList();
        var replay = FeatureReplay.RunFile(data, split);
        if (replay.Test.Rows == 0)
        {
            throw new UsageException($"The data has no rows in the test months {split.Test}.");
        }

        CommandLog.Line(log, $"replayed {replay.Rows} rows in {clock.Elapsed.TotalSeconds:F1} s; {models.Count} models, {models.Count(m => m.Skipped is null)} comparable");
        var measured = models.Where(m => m.Skipped is null).ToList();
        var metrics = new Dictionary<string, EvaluationMetrics>(StringComparer.Ordinal);
        foreach (var model in measured)
        {
            using var scorer = new OnnxBatchScorer(model.Onnx);
            metrics[model.Label] = PeriodEvaluator.Evaluate("test " + split.Test, scorer.Score(replay.Test), replay.Test.Labels, model.Card.Thresholds);
        }

        CommandLog.Line(log, $"scored the test months with every model; timing (about {measured.Count * speed.BatchSizes.Count * speed.Repeats * speed.Seconds:F0} s)...");
        var speeds = SpeedBenchmark.Measure([.. measured.Select(m => m.Onnx)], replay.Test, speed);
        var result = new ComparisonReport(
            command,
            Path.GetFileName(data),
            DataFiles.Sha256Of(data),
            split.Test.ToString(),
            replay.Test.Rows,
            replay.Test.Frauds,
            MachineInfo.Current(),
            speed,
            models,
            metrics,
            measured.Select((m, i) => (m.Label, speeds[i])).ToDictionary(p => p.Label, p => p.Item2, StringComparer.Ordinal));

        var markdown = result.ToMarkdown();
        log.Write(markdown);
        if (report.Length > 0)
        {
            File.WriteAllText(report, markdown);
            CommandLog.Line(log, $"wrote {report}");
        }

        return 0;
    }
}
