using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Records;

namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// The three streams (the record read as a log, the alert and metric queues) and the policy over them: alerts go first, then metric snapshots,
/// then records; the unsent backlog is bounded by age and by size, and what goes when it is full is the configured
/// policy's choice, every item counted. Only the pump calls <see cref="Next"/>, <see cref="Acknowledge"/> and
/// <see cref="EnforceLimits"/>.
/// </summary>
public sealed class CloudBuffer
{
    /// <summary>The collection of the agent's database that holds the checkpoints.</summary>
    public const string StateCollection = "cloud_state";

    /// <param name="log">The record, read as a log.</param>
    /// <param name="state">Checkpoints and counters (collection <see cref="StateCollection"/>).</param>
    /// <param name="alerts">The alert queue (collection <see cref="QueueStream.CollectionName"/> of <see cref="CloudStream.Alerts"/>).</param>
    /// <param name="metrics">The metric snapshot queue (<see cref="CloudStream.Metrics"/>).</param>
    /// <param name="source">The name the messages carry as their source.</param>
    /// <param name="options">The cloud options (message size and items).</param>
    /// <param name="deduplicationWindow">How long sent outcomes stay in the record.</param>
    /// <param name="time">The clock records gather by (<see cref="CloudOptions.RecordBatchSeconds"/>); the system's when null.</param>
    public CloudBuffer(
        IOutcomeLog log, ICheckpointTable state, IItemQueue alerts, IItemQueue metrics, string source, CloudOptions options, TimeSpan deduplicationWindow,
        TimeProvider? time = null)
    {
        State = state;

        // A new database starts a new epoch: message ids never collide with those of an earlier database.
        var epoch = state.GetOrAddText("epoch", Guid.NewGuid().ToString("N")[..12]);
        Format = new MessageFormat(source, epoch, options.MaxMessageBytes, options.MaxItemsPerMessage, options.FeatureSampleRate);
        Records = new RecordStream(log, State, Format, TimeSpan.FromSeconds(options.RecordBatchSeconds), time ?? TimeProvider.System);
        Alerts = new QueueStream(CloudStream.Alerts, alerts, State, Format);
        Metrics = new QueueStream(CloudStream.Metrics, metrics, State, Format);
        Scanner = new AlertScanner(log, Alerts, Records, State);
        Retention = new RecordRetention(log, State, deduplicationWindow);
    }

    public ICheckpointTable State { get; }

    public MessageFormat Format { get; }

    public RecordStream Records { get; }

    public QueueStream Alerts { get; }

    public QueueStream Metrics { get; }

    public AlertScanner Scanner { get; }

    public RecordRetention Retention { get; }

    public long Bytes => Records.Bytes + Alerts.Bytes + Metrics.Bytes;

    public long Depth => Records.Depth + Alerts.Depth + Metrics.Depth;

    public OutboundStream Stream(CloudStream stream) => stream switch
    {
        CloudStream.Records => Records,
        CloudStream.Alerts => Alerts,
        _ => Metrics,
    };

    /// <summary>The next message by priority: alerts, then metric snapshots, then records; null when all are sent.</summary>
    public CloudMessage? Next() => Alerts.Next() ?? Metrics.Next() ?? Records.Next();

    public void Acknowledge(CloudMessage message, DateTimeOffset now) => Stream(message.Stream).Acknowledge(message, now);

    /// <summary>The oldest unsent item of any stream.</summary>
    public DateTimeOffset? Oldest()
    {
        DateTimeOffset? oldest = null;
        foreach (var at in new[] { Records.Oldest, Alerts.Oldest, Metrics.Oldest })
        {
            if (at is { } value && (oldest is null || value < oldest))
            {
                oldest = value;
            }
        }

        return oldest;
    }

    /// <summary>Applies the age limit, then the size limit with <paramref name="policy"/>; returns the items dropped.</summary>
    public long EnforceLimits(DateTimeOffset now, TimeSpan maxAge, long maxBytes, BufferFullPolicy policy)
    {
        var cutoff = now - maxAge;
        var dropped = Metrics.DropExpired(cutoff) + Records.DropExpired(cutoff) + Alerts.DropExpired(cutoff);
        var excess = Bytes - maxBytes;
        if (excess <= 0)
        {
            return dropped;
        }

        var before = Records.State.Dropped + Alerts.State.Dropped + Metrics.State.Dropped;
        OutboundStream[] order = policy == BufferFullPolicy.DropRecordsFirst ? [Records, Metrics, Alerts] : [Metrics, Records, Alerts];
        foreach (var stream in order)
        {
            if (excess <= 0)
            {
                break;
            }

            excess -= stream.DropOldest(excess);
        }

        return dropped + (Records.State.Dropped + Alerts.State.Dropped + Metrics.State.Dropped - before);
    }
}
