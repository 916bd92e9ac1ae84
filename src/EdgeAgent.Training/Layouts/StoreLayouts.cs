using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Layouts;

/// <summary>The layouts every model is evaluated in, made from one seed.</summary>
public static class StoreLayouts
{
    /// <summary>Seed of the layouts unless a command is given another.</summary>
    public const int DefaultSeed = 11;

    /// <summary>Days before the end of the test months by which the last store has opened.</summary>
    private const int LastOpeningBeforeEndDays = 14;

    /// <summary>
    /// The layout the training months are replayed in first, then the others. Stores open between the start of
    /// the validation month and two weeks before the end of the test months, so both see new stores.
    /// </summary>
    public static IReadOnlyList<StoreLayout> All(int seed, TimeSplit split)
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

    /// <summary><c>--layouts</c>: <c>all</c> (default) or a comma-separated list of layout names.</summary>
    public static IReadOnlyList<StoreLayout> Parse(CommandArguments args, TimeSplit split)
    {
        var seed = args.Whole("layout-seed", DefaultSeed);
        var all = All(seed, split);
        var text = args.Text("layouts", "all");
        if (text == "all")
        {
            return all;
        }

        var chosen = new List<StoreLayout>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            chosen.Add(all.FirstOrDefault(l => l.Name == name)
                ?? throw new UsageException($"Unknown layout '{name}'; known: {string.Join(", ", all.Select(l => l.Name))}."));
        }

        return chosen.Count > 0 ? chosen : throw new UsageException("--layouts names no layout.");
    }
}
