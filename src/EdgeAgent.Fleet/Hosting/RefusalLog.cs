using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>
/// Logs refusals at most once per reason per interval, with how many were refused since the last line: a store
/// that replays a corrupt outbox must not flood the log, and the counter keeps the exact figure.
/// </summary>
public sealed partial class RefusalLog(ILogger<RefusalLog> logger, TimeProvider time, IOptions<FleetOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Refused(string reason, string storeId, int count)
    {
        if (Due(reason, count) is { } suppressed)
        {
            LogRefused(logger, reason, storeId, suppressed);
        }
    }

    /// <summary>An agent metric message refused; throttled apart from the deltas' refusals of the same reason.</summary>
    public void SnapshotRefused(string reason, string storeId)
    {
        if (Due("snapshot:" + reason, 1) is { } suppressed)
        {
            LogSnapshotRefused(logger, reason, storeId, suppressed);
        }
    }

    /// <summary>A fleet API request refused (no or a wrong token, a cross-site request).</summary>
    public void ApiRefused(string reason, string? remote)
    {
        if (Due("api:" + reason, 1) is { } suppressed)
        {
            LogApiRefused(logger, reason, remote ?? "?", suppressed);
        }
    }

    /// <summary>How many to report now, or null while the reason's last line is younger than the interval.</summary>
    private long? Due(string key, int count)
    {
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        var now = time.GetTimestamp();
        long suppressed;
        lock (entry)
        {
            entry.Pending += count;
            if (entry.LastLogged != 0 && time.GetElapsedTime(entry.LastLogged, now) < options.Value.RefusalLogInterval)
            {
                return null;
            }

            entry.LastLogged = now;
            suppressed = entry.Pending;
            entry.Pending = 0;
        }

        return suppressed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} delta(s) for reason {Reason} since the last report (latest from store {StoreId})")]
    private static partial void LogRefused(ILogger logger, string reason, string storeId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} metric snapshot message(s) for reason {Reason} since the last report (latest from store {StoreId})")]
    private static partial void LogSnapshotRefused(ILogger logger, string reason, string storeId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} fleet API request(s) for reason {Reason} since the last report (latest from {Remote})")]
    private static partial void LogApiRefused(ILogger logger, string reason, string remote, long count);

    private sealed class Entry
    {
        public long LastLogged;
        public long Pending;
    }
}
