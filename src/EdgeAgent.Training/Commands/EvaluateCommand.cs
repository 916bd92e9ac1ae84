using System.Diagnostics;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Evaluation;
using EdgeAgent.Training.Layouts;
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
        var dataFile = CommonOptions.DataFile(args);
        var folder = args.Text("models", "models");
        var report = args.Text("report", "");
        var charts = args.Text("charts", report.Length > 0 ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(report)) ?? ".", "charts") : "");
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
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
        var data = LayoutData.Load(dataFile, split, layouts, new CardSplit(0, CardSplit.DefaultSeed));
        var replay = data.Training;
        if (replay.Test.Rows == 0)
        {
            throw new UsageException($"The data has no rows in the test months {split.Test}.");
        }

        CommandLog.Line(log, $"replayed {replay.Rows} rows in {layouts.Count} layouts in {clock.Elapsed.TotalSeconds:F1} s; {models.Count} models, {models.Count(m => m.Skipped is null)} comparable");
        var measured = models.Where(m => m.Skipped is null).ToList();
        var metrics = new Dictionary<string, EvaluationMetrics>(StringComparer.Ordinal);
        var perLayout = new Dictionary<(string Model, string Layout), EvaluationMetrics>();
        var curves = new Dictionary<(string Model, string Layout), Curves>();
        foreach (var model in measured)
        {
            using var scorer = new OnnxBatchScorer(model.Onnx);
            for (var i = 0; i < layouts.Count; i++)
            {
                var test = data.Replays[i].Test;
                var scores = scorer.Score(test);
                var m = PeriodEvaluator.Evaluate("test " + split.Test, scores, test.Labels, model.Card.Thresholds);
                perLayout[(model.Label, layouts[i].Name)] = m;
                curves[(model.Label, layouts[i].Name)] = Curves.Of(scores, test.Labels);
                if (i == 0)
                {
                    metrics[model.Label] = m;
                }
            }
        }

        CommandLog.Line(log, $"scored the test months with every model in every layout; timing (about {measured.Count * speed.BatchSizes.Count * speed.Repeats * speed.Seconds:F0} s)...");
        var speeds = SpeedBenchmark.Measure([.. measured.Select(m => m.Onnx)], replay.Test, speed);
        var result = new ComparisonReport(
            command,
            Path.GetFileName(dataFile),
            DataFiles.Sha256Of(dataFile),
            split.Test.ToString(),
            replay.Test.Rows,
            replay.Test.Frauds,
            MachineInfo.Current(),
            speed,
            models,
            metrics,
            measured.Select((m, i) => (m.Label, speeds[i])).ToDictionary(p => p.Label, p => p.Item2, StringComparer.Ordinal))
        {
            Layouts = [.. layouts.Select(l => l.Name)],
            PerLayout = perLayout,
        };

        if (charts.Length > 0)
        {
            foreach (var file in EvaluationCharts.Write(charts, [.. measured.Select(m => m.Label)], [.. layouts.Select(l => l.Name)], perLayout, curves))
            {
                CommandLog.Line(log, $"wrote {file}");
            }
        }

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
