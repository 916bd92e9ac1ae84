using System.Net;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Counts every refusal and logs at most one line per reason per interval, with the number left unlogged since the
/// previous line: a flood of bad clients shows up in the metric at full resolution and in the log as a trickle.
/// </summary>
internal sealed partial class RefusalLog
{
    private const long NeverLogged = long.MinValue;
    private readonly long[] _lastLogged;
    private readonly int[] _unlogged;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    public RefusalLog(BrokerMetrics metrics, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        var reasons = Enum.GetValues<RefusalReason>().Length;
        _lastLogged = Enumerable.Repeat(NeverLogged, reasons).ToArray();
        _unlogged = new int[reasons];
        _metrics = metrics;
        _time = time;
        _interval = interval;
        _logger = logger;
    }

    public void Report(RefusalReason reason, EndPoint? remote)
    {
        _metrics.Refused(reason);
        var i = (int)reason;
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastLogged[i]);
        if ((last != NeverLogged && _time.GetElapsedTime(last, now) < _interval)
            || Interlocked.CompareExchange(ref _lastLogged[i], now, last) != last)
        {
            Interlocked.Increment(ref _unlogged[i]);
            return;
        }

        var unlogged = Interlocked.Exchange(ref _unlogged[i], 0);
        LogRefused(BrokerMetrics.ReasonName(reason), remote?.ToString() ?? "-", unlogged, (int)_interval.TotalSeconds);
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning,
        Message = "Embedded broker refused a client ({Reason}, from {Remote}); {Unlogged} more refusals for this reason went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private partial void LogRefused(string reason, string remote, int unlogged, int intervalSeconds);
}
