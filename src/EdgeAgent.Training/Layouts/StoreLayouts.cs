using System.CommandLine;
using System.Globalization;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Layouts;

/// <summary>The layouts every model is evaluated in, made from one seed.</summary>
public static class StoreLayouts
{
    /// <summary>Seed of the layouts unless a command is given another.</summary>
    public const int DefaultSeed = 11;

    /// <summary>Store counts of the fleet layouts unless <c>--fleet-stores</c> says otherwise.</summary>
    public static readonly IReadOnlyList<int> DefaultFleetStores = [50, 500];

    /// <summary>Lags of the fleet layouts unless <c>--fleet-lags</c> says otherwise; each count also gets a layout without a fleet.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultFleetLags =
        [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    /// <summary>Days before the end of the test months by which the last store has opened.</summary>
    private const int LastOpeningBeforeEndDays = 14;

    /// <summary>
    /// The layout the training months are replayed in first, then the others. Stores open between the start of
    /// the validation month and two weeks before the end of the test months, so both see new stores.
    /// </summary>
    public static IReadOnlyList<StoreLayout> All(int seed, TimeSplit split) => All(seed, split, DefaultFleetStores, DefaultFleetLags);

    /// <summary>
    /// The site layouts, then per store count of <paramref name="fleetStores"/> a fleet layout per lag of
    /// <paramref name="fleetLags"/> and one with each store alone.
    /// </summary>
    public static IReadOnlyList<StoreLayout> All(int seed, TimeSplit split, IReadOnlyList<int> fleetStores, IReadOnlyList<TimeSpan> fleetLags)
    {
        var fleets = fleetStores.SelectMany(stores =>
            fleetLags.Select(lag => new FleetLayout(seed, stores, lag)).Append(new FleetLayout(seed, stores, null)));
        return [.. Sites(seed, split), .. fleets];
    }

    private static IReadOnlyList<StoreLayout> Sites(int seed, TimeSplit split)
    {
        var opensFrom = DateTimeOffset.FromUnixTimeSeconds(split.Validation.StartUnixSeconds);
        var opensUntil = DateTimeOffset.FromUnixTimeSeconds(split.Test.EndUnixSeconds).AddDays(-LastOpeningBeforeEndDays);
        return
        [
            new MerchantStoreLayout(),
            new SplitTerminalsLayout(seed),
            new SharedTerminalsLayout(seed),
            new LateOpeningLayout(seed, opensFrom, opensUntil > opensFrom ? opensUntil : opensFrom.AddDays(1)),
        ];
    }

    /// <summary>
    /// <c>--layouts</c>: <c>all</c> (default) or a comma-separated list of layout names; <c>--fleet-stores</c> (<c>50,500</c>,
    /// or <c>none</c>) and <c>--fleet-lags</c> (<c>0s,10s,1m,10m,1h</c>) make the fleet layouts; <c>--train-layout</c> (the
    /// first) names the layout a model trains in and chooses its thresholds in, which then comes first.
    /// </summary>
    public static void AddOptions(Command command)
    {
        command.Options.Add(TrainingOption.Text("--layouts", "all", "all, or a comma-separated list of layout names"));
        command.Options.Add(TrainingOption.Whole("--layout-seed", DefaultSeed, "the seed of the layouts"));
        command.Options.Add(TrainingOption.Parsed("--fleet-stores", "50,500", ParseStores, "store counts of the fleet layouts, or none"));
        command.Options.Add(TrainingOption.Parsed("--fleet-lags", "0s,10s,1m,10m,1h", ParseLags, "lags of the fleet layouts"));
        command.Options.Add(TrainingOption.Text("--train-layout", "", "the layout a model trains in and chooses its thresholds in (the first)"));
    }

    /// <summary>The layouts the options name; a name that is not a layout is refused with <see cref="ArgumentException"/>.</summary>
    public static IReadOnlyList<StoreLayout> Parse(ParseResult args, TimeSplit split)
    {
        var seed = args.GetValue<int>("--layout-seed");
        var stores = ParseStores(args.GetValue<string>("--fleet-stores")!);
        var lags = ParseLags(args.GetValue<string>("--fleet-lags")!);
        var all = All(seed, split, stores, lags);
        var chosen = Choose(args.GetValue<string>("--layouts")!, all);
        var training = args.GetValue<string>("--train-layout")!;
        if (training.Length == 0)
        {
            return chosen;
        }

        var first = chosen.FirstOrDefault(l => l.Name == training)
            ?? throw new ArgumentException($"--train-layout '{training}' is not among the layouts: {string.Join(", ", chosen.Select(l => l.Name))}.");
        return [first, .. chosen.Where(l => l != first)];
    }

    private static List<int> ParseStores(string text)
    {
        if (text == "none")
        {
            return [];
        }

        var stores = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            stores.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000
                ? n
                : throw new FormatException($"--fleet-stores takes store counts from 1 to 100000, or none; '{part}' is not one."));
        }

        return stores;
    }

    /// <summary>Lags as <c>--fleet-lags</c> takes them: <c>0s,10s,1m,10m,1h</c>.</summary>
    public static List<TimeSpan> ParseLags(string text)
    {
        var lags = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            lags.Add(FleetLayout.ParseLag(part)
                ?? throw new FormatException($"--fleet-lags takes lags such as 0s, 250ms, 10s, 1m, 1h; '{part}' is not one."));
        }

        return lags;
    }

    private static IReadOnlyList<StoreLayout> Choose(string text, IReadOnlyList<StoreLayout> all)
    {
        if (text == "all")
        {
            return all;
        }

        var chosen = new List<StoreLayout>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            chosen.Add(all.FirstOrDefault(l => l.Name == name)
                ?? throw new ArgumentException($"Unknown layout '{name}'; known: {string.Join(", ", all.Select(l => l.Name))}."));
        }

        return chosen.Count > 0 ? chosen : throw new ArgumentException("--layouts names no layout.");
    }
}
