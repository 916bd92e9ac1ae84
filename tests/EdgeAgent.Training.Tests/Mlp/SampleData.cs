using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Tests.Mlp;

/// <summary>
/// The simulator's bundled sample (copied next to the tests), replayed through the agent's feature code:
/// real feature vectors, November rows for training and December rows for checking.
/// </summary>
internal static class SampleData
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Samples", "sparkov-sample.csv");

    /// <summary>November 2023 trains, December validates; the sample has no later months.</summary>
    public static TimeSplit Split { get; } = new(MonthRange.Parse("2023-11"), MonthRange.Parse("2023-12"), MonthRange.Parse("2024-01"));

    public static ReplayResult Replay() => FeatureReplay.RunFile(Path, Split);
}
