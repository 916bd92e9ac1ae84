namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// One pipeline under evaluation: the same agent behind a different path from the terminals. <paramref name="Link"/> is
/// null for the edge (terminals straight to the agent's broker); otherwise the link's settings, without its ports. The
/// guide's ranges are those of the comparison the evaluation reproduces.
/// </summary>
public sealed record Architecture(string Name, string Path, LinkOptions? Link, GuideRange GuideLatency, GuideRange GuideThroughput, GuideRange GuideUtilization)
{
    public static IReadOnlyList<Architecture> All(EvaluationOptions options) =>
    [
        new("edge", "terminals → the agent's embedded broker → the agent (as shipped)", null, new(10, 100, " ms"), new(5000, 10_000, "/s"), new(30, 50, " %")),
        new("stream", $"terminals → emulated WAN ({options.RoundTripMilliseconds:0} ms round trip ± {options.JitterMilliseconds / 2:0.#} ms each way, {options.LossPercent:0.##} % loss) → the same agent as a central service",
            new LinkOptions
            {
                RoundTripMilliseconds = options.RoundTripMilliseconds,
                JitterMilliseconds = options.JitterMilliseconds,
                LossPercent = options.LossPercent,
                // With traffic behind it, TCP recovers a lost segment by fast retransmission, about one round trip later.
                RetransmitMilliseconds = options.RoundTripMilliseconds,
            },
            new(100, 500, " ms"), new(1000, 5000, "/s"), new(70, 90, " %")),
        new("batch", $"terminals → payments held as they arrive, released every {options.BatchSeconds:0.##} s → the same agent scores each batch at once",
            new LinkOptions { BatchSeconds = options.BatchSeconds },
            new(1000, 2000, " ms"), new(100, 500, "/s"), new(50, 70, " %")),
    ];
}
