namespace EdgeAgent.Core;

/// <summary>
/// Lets one log line of a kind through per interval and counts the occurrences it holds back, so that the next line
/// can say how many went unlogged. A flood (a misconfigured terminal, a replayed outbox, a device that stays slow)
/// then shows in the log as a trickle, while its metric counts every occurrence.
/// </summary>
public sealed class LogThrottle
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private bool _logged;
    private long _lastLogged;
    private long _unlogged;

    /// <summary>Lets a line through at most once per <paramref name="interval"/> of <paramref name="time"/>.</summary>
    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _time = time;
        Interval = interval;
    }

    /// <summary>The least time between two lines.</summary>
    public TimeSpan Interval { get; }

    /// <summary>
    /// Reports one occurrence. True when its line may be written now; <paramref name="unlogged"/> is then the number of
    /// occurrences held back since the previous line.
    /// </summary>
    public bool TryLog(out long unlogged) => TryLog(1, out unlogged);

    /// <summary>
    /// Reports <paramref name="count"/> occurrences at once. True when their line may be written now;
    /// <paramref name="unlogged"/> is then the number of occurrences held back since the previous line, these excluded.
    /// </summary>
    public bool TryLog(long count, out long unlogged)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_logged && _time.GetElapsedTime(_lastLogged, now) < Interval)
            {
                _unlogged += count;
                unlogged = 0;
                return false;
            }

            _logged = true;
            _lastLogged = now;
            unlogged = _unlogged;
            _unlogged = 0;
            return true;
        }
    }
}
