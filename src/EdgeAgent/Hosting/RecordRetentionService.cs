using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>
/// With no cloud, keeps the record from growing without end: every few minutes deletes the outcomes older than
/// <c>Storage:RetentionHours</c> (never younger than the deduplication window, so retries are still answered from the
/// record). The record itself refuses to delete the journal after its last state snapshot. With a cloud, the sync
/// deletes outcomes once the cloud has them.
/// </summary>
internal sealed partial class RecordRetentionService(
    IOutcomeLog log,
    IOptions<StorageOptions> storage,
    IOptions<PipelineOptions> pipeline,
    IOptions<Cloud.CloudOptions> cloud,
    TimeProvider time,
    ILogger<RecordRetentionService> logger) : BackgroundService
{
    private const int Step = 2000;
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (cloud.Value.Transport != Cloud.CloudTransportKind.None)
        {
            return; // the sync deletes what the cloud has
        }

        var keep = TimeSpan.FromHours(Math.Max(storage.Value.RetentionHours, pipeline.Value.DeduplicationWindowHours));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = DeleteOlderThan(time.GetUtcNow() - keep);
                if (removed > 0)
                {
                    LogDeleted(removed, keep.TotalHours);
                }

                await Task.Delay(Period, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
                await Task.Delay(Period, time, stoppingToken);
            }
        }
    }

    /// <summary>Deletes, in steps, every outcome received before <paramref name="cutoff"/>; returns how many went.</summary>
    internal int DeleteOlderThan(DateTimeOffset cutoff)
    {
        var removed = 0;
        while (true)
        {
            // After each step the oldest outcome left is the first one after sequence 0.
            var boundary = log.ReadAfter(0, Step).TakeWhile(o => o.ReceivedAt < cutoff).LastOrDefault()?.Sequence;
            var step = boundary is { } upTo ? log.DeleteUpTo(upTo) : 0;
            if (step == 0)
            {
                return removed;
            }

            removed += step;
        }
    }

    [LoggerMessage(EventId = 460, Level = LogLevel.Information, Message = "Record retention: deleted {Count} outcomes older than {Hours} h")]
    private partial void LogDeleted(int count, double hours);

    [LoggerMessage(EventId = 461, Level = LogLevel.Warning, Message = "Record retention failed; trying again later")]
    private partial void LogFailed(Exception exception);
}
