using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAgent.Sparkov;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Fleet;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>fleet-age</c>: whether the profile's age helps the fleet layouts (<see cref="ProfileAgeExperiment"/>). An
/// evaluation, not a model: it writes no model file, and prints a Markdown table (and writes it with <c>--report</c>).
/// </summary>
public static class FleetAgeCommand
{
    public static Command Command()
    {
        var command = new Command("fleet-age", "whether the profile's age as a 23rd input helps the trees of a fleet layout at lags drawn per store and hour");
        CommonOptions.AddData(command);
        CommonOptions.AddSplit(command);
        command.Options.Add(TrainingOption.Whole("--stores", 50, "stores of the fleet layout"));
        command.Options.Add(TrainingOption.Parsed("--fleet-lags", "0s,10s,1m,10m,1h", StoreLayouts.ParseLags, "the lags drawn from, and measured at"));
        command.Options.Add(TrainingOption.Whole("--layout-seed", StoreLayouts.DefaultSeed, "the seed of the layout and of the drawn lags"));
        command.Options.Add(TrainingOption.Whole("--trees", new GbtSettings().Trees, "trees of each model"));
        command.Options.Add(TrainingOption.Text("--report", "", "a Markdown file to write the table to"));
        return command;
    }

    public static int Run(ParseResult args, string commandLine, TextWriter log)
    {
        var data = CommonOptions.DataFile(args);
        var split = CommonOptions.Split(args);
        var lags = StoreLayouts.ParseLags(args.GetValue<string>("--fleet-lags")!);
        var stores = args.GetValue<int>("--stores");
        var settings = new GbtSettings { Trees = args.GetValue<int>("--trees") };
        var clock = Stopwatch.StartNew();
        log.WriteLine($"fleet-age: {stores} stores, lags {string.Join(", ", lags.Select(FleetLayout.FormatLag))}; train {split.Train}, test {split.Test}; {settings.Describe()}");
        IReadOnlyList<ProfileAgeResult> results;
        using (var reader = DataFiles.OpenText(data))
        {
            results = ProfileAgeExperiment.Run(SparkovCsv.Read(reader), TrainingTokenizer.Create(), split, stores, lags, args.GetValue<int>("--layout-seed"), settings, log);
        }

        var table = Table(results);
        log.WriteLine(table);
        log.WriteLine($"fleet-age: {clock.Elapsed.TotalSeconds:F0} s; {commandLine}");
        if (args.GetValue<string>("--report") is { Length: > 0 } report)
        {
            File.WriteAllText(report, $"`{commandLine}`\n\n{table}");
        }

        return 0;
    }

    /// <summary>One row per test replay, PR-AUC and ROC-AUC of each model side by side.</summary>
    public static string Table(IReadOnlyList<ProfileAgeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var models = results.Select(r => r.Model).Distinct().ToList();
        var text = new StringBuilder();
        text.Append("| tested at | rows | frauds |");
        foreach (var model in models)
        {
            text.Append(CultureInfo.InvariantCulture, $" PR-AUC {model} | ROC-AUC {model} | flagged @ 95 % recall {model} |");
        }

        text.Append("\n| --- | ---: | ---: |").Append(string.Concat(models.Select(_ => " ---: | ---: | ---: |"))).Append('\n');
        foreach (var tested in results.GroupBy(r => r.TestedAt))
        {
            var first = tested.First();
            text.Append(CultureInfo.InvariantCulture, $"| {tested.Key} | {first.Rows} | {first.Frauds} |");
            foreach (var model in models)
            {
                var r = tested.Single(x => x.Model == model);
                text.Append(CultureInfo.InvariantCulture, $" {r.PrAuc:F4} | {r.RocAuc:F4} | {r.FlaggedAt95:P2} |");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
