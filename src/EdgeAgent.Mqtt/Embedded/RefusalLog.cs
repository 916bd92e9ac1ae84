using System.Net;
using EdgeAgent.Core;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Counts every refusal and logs at most one line per reason per interval, with the number left unlogged since the
/// previous line: a flood of bad clients shows up in the metric at full resolution and in the log as a trickle.
/// </summary>
internal sealed partial class RefusalLog(BrokerMetrics metrics, TimeProvider time, TimeSpan interval, ILogger logger)
{
    private readonly KeyedLogThrottle<RefusalReason> _throttle = new(time, interval);

    public void Report(RefusalReason reason, EndPoint? remote)
    {
        metrics.Refused(reason);
        if (_throttle.TryLog(reason, out var unlogged))
        {
            LogRefused(logger, BrokerMetrics.ReasonName(reason), remote?.ToString() ?? "-", unlogged, (int)_throttle.Interval.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning,
        Message = "Embedded broker refused a client ({Reason}, from {Remote}); {Unlogged} more refusals for this reason went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private static partial void LogRefused(ILogger logger, string reason, string remote, long unlogged, int intervalSeconds);
}
