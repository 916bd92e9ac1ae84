using System.CommandLine;
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
    /// <summary>The <c>evaluate</c> command and its options.</summary>
    public static Command Command()
    {
        var defaults = new SpeedSettings();
        var command = new Command("evaluate", "every model in a folder side by side on the same test months: metrics, size and CPU scoring speed");
        CommonOptions.AddData(command);
        var models = TrainingOption.Text("--models", "models", "the folder of models and their cards");
        models.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } folder && !Directory.Exists(folder))
            {
                result.AddError($"No models folder at '{folder}'.");
            }
        });
        command.Options.Add(models);
        command.Options.Add(TrainingOption.Text("--report", "", "a Markdown file to write the report to"));
        command.Options.Add(TrainingOption.Text("--charts", "", "the folder of the SVG charts (a charts folder beside the report if not given)"));
        CommonOptions.AddSplit(command);
        StoreLayouts.AddOptions(command);
        command.Options.Add(TrainingOption.Real("--seconds", defaults.Seconds, "seconds per throughput measurement"));
        command.Options.Add(TrainingOption.Whole("--repeats", defaults.Repeats, "throughput measurements per batch size"));
        command.Options.Add(TrainingOption.Whole("--latency-calls", defaults.LatencyCalls, "single-row calls timed for the latency percentiles"));
        command.Options.Add(TrainingOption.Whole("--warm-up", defaults.WarmUpCalls, "calls before timing"));
        return command;
    }

    public static int Run(ParseResult args, string command, TextWriter log)
    {
        var dataFile = CommonOptions.DataFile(args);
        var folder = args.GetValue<string>("--models")!;
        var report = args.GetValue<string>("--report")!;
        var charts = args.GetValue<string>("--charts") is { Length: > 0 } chosen ? chosen
            : report.Length > 0 ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(report)) ?? ".", "charts") : "";
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var speed = new SpeedSettings
        {
            Seconds = args.GetValue<double>("--seconds"),
            Repeats = args.GetValue<int>("--repeats"),
            LatencyCalls = args.GetValue<int>("--latency-calls"),
            WarmUpCalls = args.GetValue<int>("--warm-up"),
        };
        if (speed.Seconds <= 0 || speed.Repeats < 1 || speed.LatencyCalls < 1 || speed.WarmUpCalls < 0)
        {
            throw new ArgumentException("--seconds > 0, --repeats ≥ 1, --latency-calls ≥ 1 and --warm-up ≥ 0 are required.");
        }

        var cards = Directory.GetFiles(folder, "*.card.json").Order(StringComparer.Ordinal).ToList();
        if (cards.Count == 0)
        {
            throw new ArgumentException($"No model cards (*.card.json) in '{folder}'.");
        }

        var clock = Stopwatch.StartNew();
        var models = cards.Select(ComparedModel.Load).ToList();
        var data = LayoutData.Load(dataFile, split, layouts, new CardSplit(0, CardSplit.DefaultSeed));
        var replay = data.Training;
        if (replay.Test.Rows == 0)
        {
            throw new InvalidDataException($"The data has no rows in the test months {split.Test}.");
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
