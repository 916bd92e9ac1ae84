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
        var entry = _entries.GetOrAdd(reason, _ => new Entry());
        var now = time.GetTimestamp();
        long suppressed;
        lock (entry)
        {
            entry.Pending += count;
            if (entry.LastLogged != 0 && time.GetElapsedTime(entry.LastLogged, now) < options.Value.RefusalLogInterval)
            {
                return;
            }

            entry.LastLogged = now;
            suppressed = entry.Pending;
            entry.Pending = 0;
        }

        LogRefused(logger, reason, storeId, suppressed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} delta(s) for reason {Reason} since the last report (latest from store {StoreId})")]
    private static partial void LogRefused(ILogger logger, string reason, string storeId, long count);

    private sealed class Entry
    {
        public long LastLogged;
        public long Pending;
    }
}
