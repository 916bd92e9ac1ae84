using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The last rejections, newest first, in a small ring: what a person at the status page needs to see which
/// terminal sends what wrong. The pipeline adds one per rejected payload (<see cref="Add(string, TopicAddress?, DateTimeOffset)"/>); readers take a copy.
/// A lock guards the ring: rejections are rare next to payments, and a copy is a few dozen references.
/// </summary>
public sealed class RecentRejections
{
    /// <summary>How many the ring keeps unless told otherwise.</summary>
    public const int DefaultCapacity = 32;

    private readonly Lock _lock = new();
    private readonly RecentRejection?[] _ring;
    private int _next;
    private long _added;

    /// <summary>A ring of the last <paramref name="capacity"/> rejections.</summary>
    public RecentRejections(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new RecentRejection?[capacity];
    }

    /// <summary>Rejections added since start (also those the ring no longer holds).</summary>
    public long Added => Interlocked.Read(ref _added);

    /// <summary>Records a rejection: its first reason code, the topic's store and terminal when it parsed, the time of receipt.</summary>
    public void Add(string code, TopicAddress? address, DateTimeOffset at) =>
        Add(new RecentRejection(code, address?.StoreId, address?.TerminalId, at));

    /// <summary>Records a rejection, forgetting the oldest when the ring is full.</summary>
    public void Add(RecentRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        lock (_lock)
        {
            _ring[_next] = rejection;
            _next = (_next + 1) % _ring.Length;
            _added++;
        }
    }

    /// <summary>The rejections the ring holds, newest first.</summary>
    public IReadOnlyList<RecentRejection> Latest()
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_added, _ring.Length);
            var result = new RecentRejection[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = _ring[(_next - 1 - i + _ring.Length) % _ring.Length]!;
            }

            return result;
        }
    }
}
