namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// At most one log line per reason per interval; the refusals in between are only counted (the metric has them all)
/// and summed into the next line. A client refused in a loop, or a flood of bad passwords, so writes a trickle.
/// </summary>
internal sealed class RefusalThrottle
{
    private const long NeverLogged = long.MinValue;
    private readonly long[] _lastLogged;
    private readonly int[] _unlogged;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public RefusalThrottle(TimeProvider time, TimeSpan interval)
    {
        var reasons = RefusalReasons.All.Count;
        _lastLogged = Enumerable.Repeat(NeverLogged, reasons).ToArray();
        _unlogged = new int[reasons];
        _time = time;
        _interval = interval;
    }

    public TimeSpan Interval => _interval;

    /// <summary>True when a line may be written for <paramref name="reason"/> now, with how many went unlogged since the last one.</summary>
    public bool TryLog(RefusalReason reason, out int unlogged)
    {
        var i = (int)reason;
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastLogged[i]);
        if ((last != NeverLogged && _time.GetElapsedTime(last, now) < _interval)
            || Interlocked.CompareExchange(ref _lastLogged[i], now, last) != last)
        {
            Interlocked.Increment(ref _unlogged[i]);
            unlogged = 0;
            return false;
        }

        unlogged = Interlocked.Exchange(ref _unlogged[i], 0);
        return true;
    }
}
