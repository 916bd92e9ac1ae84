using System.Numerics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// A lock-free log-linear histogram of durations in microseconds: 16 sub-buckets per power of two
/// (about 4 % resolution) from 1 µs to about 18 minutes. Recording is one interlocked increment, cheap enough
/// for every payment; percentiles come from snapshots, and the difference of two snapshots gives an interval.
/// </summary>
public sealed class LatencyHistogram
{
    internal const int SubBucketBits = 4;
    internal const int SubBuckets = 1 << SubBucketBits;
    internal const int Powers = 30;
    internal const int BucketCount = Powers * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];
    private long _sumMicros;
    private long _maxMicros;

    /// <summary>Records one duration.</summary>
    public void Record(double micros)
    {
        var value = micros <= 0 ? 0 : micros >= long.MaxValue ? long.MaxValue : (long)micros;
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Add(ref _sumMicros, value);
        var max = Volatile.Read(ref _maxMicros);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Records the time from a <see cref="System.Diagnostics.Stopwatch"/> timestamp to another.</summary>
    public void RecordTicks(long startTimestamp, long endTimestamp) =>
        Record((endTimestamp - startTimestamp) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>A consistent-enough copy of the counts (each bucket is read atomically).</summary>
    public HistogramSnapshot Snapshot()
    {
        var counts = new long[BucketCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _counts[i]);
        }

        return new HistogramSnapshot(counts, Volatile.Read(ref _sumMicros), Volatile.Read(ref _maxMicros));
    }

    internal static int BucketOf(long micros)
    {
        if (micros < SubBuckets)
        {
            return (int)micros;
        }

        var power = 63 - BitOperations.LeadingZeroCount((ulong)micros); // >= SubBucketBits
        var sub = (int)(micros >> (power - SubBucketBits)) & (SubBuckets - 1);
        var bucket = ((power - SubBucketBits + 1) * SubBuckets) + sub;
        return Math.Min(bucket, BucketCount - 1);
    }

    /// <summary>The upper bound, in microseconds, of the values a bucket holds.</summary>
    internal static double UpperBoundOf(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket + 1;
        }

        var power = (bucket / SubBuckets) + SubBucketBits - 1;
        var sub = bucket % SubBuckets;
        return (double)(SubBuckets + sub + 1) * (1L << (power - SubBucketBits));
    }
}
