namespace EdgeAgent.Training.Evaluation;

/// <summary>How long and at which batch sizes scoring speed is measured.</summary>
public sealed record SpeedSettings
{
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8, 32, 128];

    /// <summary>Calls before any timing: the first runs allocate and fill caches.</summary>
    public int WarmUpCalls { get; init; } = 500;

    /// <summary>Seconds of calls per throughput measurement.</summary>
    public double Seconds { get; init; } = 1.0;

    /// <summary>
    /// Throughput is measured this many times per batch size, models taking turns, and the median is kept:
    /// on a shared machine a burst of other work then spoils one sample, not the result.
    /// </summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Calls timed one by one at batch 1 for the latency percentiles.</summary>
    public int LatencyCalls { get; init; } = 20_000;
}
