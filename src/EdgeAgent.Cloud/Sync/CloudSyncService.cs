using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Cloud.Control;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core;
using EdgeAgent.Core.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cloud.Sync;

/// <summary>
/// The cloud sync's loops: the pump (next message by priority, paced, sent, acknowledged, then the buffer moves on;
/// limits and retention between sends), the alert scanner (follows the record's commits) and the snapshotter.
/// Each loop catches, logs and backs off per iteration; only cancellation ends it. Scoring never waits for any of
/// them: they read the record and write only their own queues and checkpoints.
/// </summary>
public sealed partial class CloudSyncService(
    CloudBuffer buffer,
    ICloudTransport transport,
    CloudController controller,
    MetricSnapshotter snapshots,
    CloudStatus status,
    CloudSignals signals,
    CloudRuntimeSettings settings,
    IOutcomeLog log,
    CloudOptions options,
    TimeProvider time,
    ILogger<CloudSyncService> logger) : BackgroundService
{
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the alert scanner lets commits gather after one wakes it. At light load the record commits every payment,
    /// and a scan reads back what was committed (a few LiteDB reads, tens of kilobytes and milliseconds of CPU each time):
    /// scanned together, the commits of this moment cost one scan. Alerts reach the cloud at most this much later.
    /// </summary>
    private static readonly TimeSpan ScanGathering = TimeSpan.FromMilliseconds(200);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await transport.StopAsync(cancellationToken);
        log.Committed -= signals.OnCommitted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        log.Committed += signals.OnCommitted;
        settings.Changed += signals.Snapshot.Set;
        LogStarting(transport.Description, buffer.Records.Depth, buffer.Alerts.Depth, buffer.Metrics.Depth);
        await transport.StartAsync(controller, stoppingToken);
        await Task.WhenAll(PumpAsync(stoppingToken), ScanAsync(stoppingToken), SnapshotAsync(stoppingToken));
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var pacer = new SendPacer(options.MaxMessagesPerSecond, options.MaxBytesPerSecond, time);
        var backoff = new Backoff(TimeSpan.FromSeconds(options.RetryMinDelaySeconds), TimeSpan.FromSeconds(options.RetryMaxDelaySeconds));
        var maintenance = TimeSpan.FromSeconds(options.MaintenanceIntervalSeconds);
        var nextMaintenance = DateTimeOffset.MinValue;
        var nextRetention = DateTimeOffset.MinValue;
        var nextReport = time.GetUtcNow() + TimeSpan.FromSeconds(options.ReportIntervalSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            CloudMessage? message = null;
            try
            {
                var now = time.GetUtcNow();
                if (now >= nextMaintenance)
                {
                    var dropped = buffer.EnforceLimits(now, settings.BufferMaxAge, settings.BufferMaxBytes, settings.FullPolicy);
                    if (dropped > 0)
                    {
                        LogDropped(dropped, settings.FullPolicy.ToString(), buffer.Bytes);
                    }

                    nextMaintenance = now + maintenance;
                }

                if (now >= nextRetention)
                {
                    // Sent outcomes past the deduplication window leave the record, a step at a time.
                    var removed = buffer.Retention.RunOnce(now, buffer.Records.State.Checkpoint);
                    nextRetention = removed > 0 ? now : now + RetentionInterval;
                }

                if (transport.IsConnected && now >= nextReport)
                {
                    nextReport = now + TimeSpan.FromSeconds(options.ReportIntervalSeconds);
                    await controller.TryReportAsync(cancellationToken);
                }

                message = transport.IsConnected ? buffer.Next() : null;
                if (message is null)
                {
                    await signals.Pump.WaitAsync(maintenance < TimeSpan.FromSeconds(1) ? maintenance : TimeSpan.FromSeconds(1), time, cancellationToken);
                    continue;
                }

                await pacer.WaitAsync(message.Body.Length, cancellationToken);
                await transport.SendAsync(message, cancellationToken);

                // Only the cloud's acknowledgement moves the stream on; a failure leaves the message to go again.
                buffer.Acknowledge(message, time.GetUtcNow());
                backoff.Reset();

                // Replay yields between batches so that the pipeline's loops are never held up by it.
                await Task.Yield();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                status.CountFailure();
                var delay = backoff.Next();
                LogSendFailed(message?.MessageId ?? "-", delay.TotalSeconds, ex.Message);
                if (!await DelayAsync(delay, cancellationToken))
                {
                    return;
                }
            }
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                int queued;
                while ((queued = buffer.Scanner.ScanOnce()) >= 0)
                {
                    if (queued > 0)
                    {
                        signals.Pump.Set();
                    }

                    await Task.Yield();
                }

                if (await signals.Scan.WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken))
                {
                    await Task.Delay(ScanGathering, time, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopFailed("alert scanner", ex);
                if (!await DelayAsync(TimeSpan.FromSeconds(options.RetryMinDelaySeconds), cancellationToken))
                {
                    return;
                }
            }
        }
    }

    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        var last = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Woken early when the interval changes, to wait out the new one.
                var due = last + settings.MetricsInterval;
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await signals.Snapshot.WaitAsync(wait, time, cancellationToken);
                    continue;
                }

                last = time.GetUtcNow();
                snapshots.Take();
                signals.Pump.Set();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                last = time.GetUtcNow();
                LogLoopFailed("snapshotter", ex);
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 440, Level = LogLevel.Information, Message = "Cloud sync to {Target}: {Records} records, {Alerts} alerts and {Metrics} snapshots waiting")]
    private partial void LogStarting(string target, long records, long alerts, long metrics);

    [LoggerMessage(EventId = 441, Level = LogLevel.Warning, Message = "Send of {MessageId} failed; kept and retried in {DelaySeconds:0.0} s: {Reason}")]
    private partial void LogSendFailed(string messageId, double delaySeconds, string reason);

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "Cloud buffer over its limits: {Dropped} items dropped ({Policy}); {Bytes} bytes left unsent")]
    private partial void LogDropped(long dropped, string policy, long bytes);

    [LoggerMessage(EventId = 443, Level = LogLevel.Error, Message = "The cloud {Loop} failed; going on")]
    private partial void LogLoopFailed(string loop, Exception exception);
}
