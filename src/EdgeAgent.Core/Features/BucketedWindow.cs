namespace EdgeAgent.Core.Features;

/// <summary>
/// Count and sum over a sliding window made of fixed time buckets: constant memory however busy the key,
/// which suits merchants (hundreds of payments an hour at a busy one) where an exact list would not. The window
/// covers the bucket of the query time and the <c>n - 1</c> before it.
/// </summary>
public sealed class BucketedWindow
{
    private readonly long _bucketMs;
    private readonly long[] _index;
    private readonly int[] _count;
    private readonly double[] _sum;

    /// <summary>An empty window of <paramref name="bucketCount"/> buckets of <paramref name="bucketMs"/> each.</summary>
    public BucketedWindow(long bucketMs, int bucketCount)
    {
        _bucketMs = bucketMs;
        _index = new long[bucketCount];
        Array.Fill(_index, long.MinValue);
        _count = new int[bucketCount];
        _sum = new double[bucketCount];
    }

    private BucketedWindow(long bucketMs, WindowSnapshot snapshot)
    {
        _bucketMs = bucketMs;
        _index = [.. snapshot.Index];
        _count = [.. snapshot.Count];
        _sum = [.. snapshot.Sum];
    }

    /// <summary>Counts a payment of <paramref name="amount"/> at <paramref name="unixMs"/>; one older than the window is ignored.</summary>
    public void Add(long unixMs, double amount)
    {
        var index = BucketOf(unixMs);
        var slot = (int)(((index % _index.Length) + _index.Length) % _index.Length);
        if (_index[slot] == index)
        {
            _count[slot]++;
            _sum[slot] += amount;
        }
        else if (_index[slot] < index)
        {
            _index[slot] = index;
            _count[slot] = 1;
            _sum[slot] = amount;
        }

        // Otherwise the slot already holds a newer bucket: this late event lies outside every window that
        // the newer payments can still see, so it is not counted.
    }

    /// <summary>Count and sum of the payments in the window that ends with the bucket holding <paramref name="unixMs"/>.</summary>
    public (int Count, double Sum) Query(long unixMs)
    {
        var current = BucketOf(unixMs);
        var oldest = current - _index.Length;
        var count = 0;
        var sum = 0.0;
        for (var i = 0; i < _index.Length; i++)
        {
            if (_index[i] > oldest && _index[i] <= current)
            {
                count += _count[i];
                sum += _sum[i];
            }
        }

        return (count, sum);
    }

    /// <summary>The buckets, for the store.</summary>
    public WindowSnapshot ToSnapshot() => new([.. _index], [.. _count], [.. _sum]);

    /// <summary>A window as the store kept it.</summary>
    public static BucketedWindow FromSnapshot(long bucketMs, WindowSnapshot snapshot) => new(bucketMs, snapshot);

    /// <summary>The bucket holding a time; floor division, so times before 1970 fall in the right bucket too.</summary>
    private long BucketOf(long unixMs)
    {
        var index = Math.DivRem(unixMs, _bucketMs, out var rem);
        return rem < 0 ? index - 1 : index;
    }
}
