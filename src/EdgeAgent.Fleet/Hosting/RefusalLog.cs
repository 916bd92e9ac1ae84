using EdgeAgent.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>
/// Logs refusals at most once per reason per interval, with how many were refused since the last line: a store
/// that replays a corrupt outbox must not flood the log, and the counter keeps the exact figure.
/// </summary>
public sealed partial class RefusalLog(ILogger<RefusalLog> logger, TimeProvider time, IOptions<FleetOptions> options)
{
    private readonly KeyedLogThrottle<string> _throttle = new(time, options.Value.RefusalLogInterval);

    public void Refused(string reason, string storeId, int count)
    {
        if (_throttle.TryLog(reason, count, out var unlogged))
        {
            LogRefused(logger, reason, storeId, unlogged + count);
        }
    }

    /// <summary>An agent metric message refused; throttled apart from the deltas' refusals of the same reason.</summary>
    public void SnapshotRefused(string reason, string storeId)
    {
        if (_throttle.TryLog("snapshot:" + reason, 1, out var unlogged))
        {
            LogSnapshotRefused(logger, reason, storeId, unlogged + 1);
        }
    }

    /// <summary>A first-sight fetch that waited for a slot: the silo answers <paramref name="inFlight"/> at once already.</summary>
    public void FetchesWaited(int inFlight)
    {
        if (_throttle.TryLog("fetch-slots", 1, out var unlogged))
        {
            LogFetchesWaited(logger, inFlight, unlogged + 1);
        }
    }

    /// <summary>A fleet API request refused (no or a wrong token, a cross-site request).</summary>
    public void ApiRefused(string reason, string? remote)
    {
        if (_throttle.TryLog("api:" + reason, 1, out var unlogged))
        {
            LogApiRefused(logger, reason, remote ?? "?", unlogged + 1);
        }
    }

    /// <summary>A rollout command refused (one already moving, a bad model, an unknown canary).</summary>
    public void RolloutRefused(string reason, string detail)
    {
        if (_throttle.TryLog("rollout:" + reason, 1, out var unlogged))
        {
            LogRolloutRefused(logger, reason, detail, unlogged + 1);
        }
    }

    /// <summary>A store's desired document the uplink broker did not take; it is published again at the next check.</summary>
    public void RolloutDeliveryFailed(string storeId, string why)
    {
        if (_throttle.TryLog("rollout-delivery", 1, out var unlogged))
        {
            LogDeliveryFailed(logger, storeId, why, unlogged + 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} first-sight fetch(es) waited for a slot since the last report, {InFlight} being answered already (Fleet:MaxFetchesInFlight): the fetch connection's reader waits meanwhile")]
    private static partial void LogFetchesWaited(ILogger logger, int inFlight, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} rollout command(s) for reason {Reason} since the last report (latest: {Detail})")]
    private static partial void LogRolloutRefused(ILogger logger, string reason, string detail, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} desired document(s) not delivered since the last report (latest to store {StoreId}: {Why}); retried")]
    private static partial void LogDeliveryFailed(ILogger logger, string storeId, string why, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} delta(s) for reason {Reason} since the last report (latest from store {StoreId})")]
    private static partial void LogRefused(ILogger logger, string reason, string storeId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} metric snapshot message(s) for reason {Reason} since the last report (latest from store {StoreId})")]
    private static partial void LogSnapshotRefused(ILogger logger, string reason, string storeId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} fleet API request(s) for reason {Reason} since the last report (latest from {Remote})")]
    private static partial void LogApiRefused(ILogger logger, string reason, string remote, long count);
}
