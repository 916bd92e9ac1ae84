namespace EdgeAgent.Core.Telemetry;

/// <summary>Counts of a <see cref="LatencyHistogram"/> at one moment.</summary>
public sealed class HistogramSnapshot
{
    private readonly long[] _counts;

    internal HistogramSnapshot(long[] counts, long sumMicros, long maxMicros)
    {
        _counts = counts;
        SumMicros = sumMicros;
        MaxMicros = maxMicros;
        Count = counts.Sum();
    }

    /// <summary>No value recorded.</summary>
    public static HistogramSnapshot Empty { get; } = new(new long[LatencyHistogram.BucketCount], 0, 0);

    /// <summary>Values recorded.</summary>
    public long Count { get; }

    /// <summary>Their sum, in microseconds.</summary>
    public long SumMicros { get; }

    /// <summary>Largest value since the histogram was made (not per interval).</summary>
    public long MaxMicros { get; }

    /// <summary>Their mean, in microseconds; 0 without values.</summary>
    public double MeanMicros => Count == 0 ? 0 : (double)SumMicros / Count;

    /// <summary>
    /// The value below which <paramref name="quantile"/> of the recordings lie, as the upper bound of its
    /// bucket (so within about 4 % above the true value); 0 when empty.
    /// </summary>
    public double Percentile(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(LatencyHistogram.UpperBoundOf(i), MaxMicros > 0 ? Math.Max(MaxMicros, 1) : double.MaxValue);
            }
        }

        return MaxMicros;
    }

    /// <summary>What was recorded since <paramref name="earlier"/>.</summary>
    public HistogramSnapshot Since(HistogramSnapshot earlier)
    {
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _counts[i] - earlier._counts[i];
        }

        return new HistogramSnapshot(counts, SumMicros - earlier.SumMicros, MaxMicros);
    }
}
