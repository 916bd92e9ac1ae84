using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Storage;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>
/// With no cloud, keeps the record from growing without end: every few minutes deletes the outcomes older than
/// <c>Storage:RetentionHours</c> (never younger than the deduplication window, so retries are still answered from the
/// record). The deletion is the cloud's own <see cref="RecordRetention"/>, with every outcome counting as sent, and
/// its position is kept in the same checkpoint, so that a cloud turned on later goes on from there. With a cloud, the
/// sync deletes outcomes once the cloud has them.
/// </summary>
internal sealed partial class RecordRetentionService(
    IOutcomeLog log,
    ICheckpointTable checkpoints,
    IOptions<StorageOptions> storage,
    IOptions<PipelineOptions> pipeline,
    IOptions<Cloud.CloudOptions> cloud,
    TimeProvider time,
    ILogger<RecordRetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);
    private readonly TimeSpan _keep = TimeSpan.FromHours(Math.Max(storage.Value.RetentionHours, pipeline.Value.DeduplicationWindowHours));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (cloud.Value.Transport != Cloud.CloudTransportKind.None)
        {
            return; // the sync deletes what the cloud has
        }

        var retention = new RecordRetention(log, checkpoints, _keep);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = DeleteExpired(retention, time.GetUtcNow());
                if (removed > 0)
                {
                    LogDeleted(removed, _keep.TotalHours);
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

    /// <summary>Deletes, in steps, every outcome older than the retention at <paramref name="now"/>; returns how many went.</summary>
    internal static int DeleteExpired(RecordRetention retention, DateTimeOffset now)
    {
        var removed = 0;
        for (int step; (step = retention.RunOnce(now, sentUpTo: long.MaxValue)) > 0;)
        {
            removed += step;
        }

        return removed;
    }

    [LoggerMessage(EventId = 460, Level = LogLevel.Information, Message = "Record retention: deleted {Count} outcomes older than {Hours} h")]
    private partial void LogDeleted(int count, double hours);

    [LoggerMessage(EventId = 461, Level = LogLevel.Warning, Message = "Record retention failed; trying again later")]
    private partial void LogFailed(Exception exception);
}
