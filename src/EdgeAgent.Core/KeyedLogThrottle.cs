using System.Collections.Concurrent;

namespace EdgeAgent.Core;

/// <summary>
/// A <see cref="LogThrottle"/> per key (a refusal reason, a validation code), so a flood of one kind never hides
/// another. A key's throttle is kept for the life of this object: keys are meant to come from a small fixed set,
/// never from what a client sends.
/// </summary>
/// <typeparam name="TKey">What tells one kind of line from another.</typeparam>
public sealed class KeyedLogThrottle<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, LogThrottle> _lines = new();
    private readonly TimeProvider _time;

    /// <summary>Lets a line of each key through at most once per <paramref name="interval"/> of <paramref name="time"/>.</summary>
    public KeyedLogThrottle(TimeProvider time, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _time = time;
        Interval = interval;
    }

    /// <summary>The least time between two lines of one key.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Reports one occurrence of <paramref name="key"/>; see <see cref="LogThrottle.TryLog(out long)"/>.</summary>
    public bool TryLog(TKey key, out long unlogged) => TryLog(key, 1, out unlogged);

    /// <summary>Reports <paramref name="count"/> occurrences of <paramref name="key"/>; see <see cref="LogThrottle.TryLog(long, out long)"/>.</summary>
    public bool TryLog(TKey key, long count, out long unlogged) =>
        _lines.GetOrAdd(key, static (_, self) => new LogThrottle(self._time, self.Interval), this).TryLog(count, out unlogged);
}
