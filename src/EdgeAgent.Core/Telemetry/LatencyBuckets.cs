namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// Bucket bounds of the stage-duration histogram as exported, in seconds. The hot path answers in about 0.3 ms
/// and a model run takes tens of microseconds, so the buckets are dense below a millisecond (25 µs steps rising to
/// 250 µs) and sparse above, up to 10 s for a commit stalled behind a slow disk. Prometheus'
/// <c>histogram_quantile</c> interpolates inside a bucket, so a p99 read from these is good to a bucket's width.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>The upper bounds, in seconds, from 25 µs to 10 s.</summary>
    public static IReadOnlyList<double> Seconds { get; } =
    [
        0.000025, 0.00005, 0.000075, 0.0001, 0.00015, 0.0002, 0.0003, 0.0004, 0.0005, 0.00075,
        0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
    ];
}
