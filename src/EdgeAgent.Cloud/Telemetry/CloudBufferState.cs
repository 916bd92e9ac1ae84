using EdgeAgent.Cloud.Transport;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// The cloud buffer and link at one moment, per stream by the stream's message type: the age of the oldest unsent
/// item is null when nothing waits, the last sync (the cloud's last acknowledgement) null before the first. The same
/// in snapshots, the <c>GetTelemetry</c> and <c>Flush</c> answers, the reported properties and /status.
/// </summary>
public sealed record CloudBufferState(
    bool Connected,
    long Bytes,
    long MaxBytes,
    IReadOnlyDictionary<string, long> Unsent,
    double? OldestUnsentAgeSeconds,
    DateTimeOffset? LastSyncAt,
    IReadOnlyDictionary<string, long> Sent,
    IReadOnlyDictionary<string, DroppedItems> Dropped,
    long SendFailures)
{
    public static CloudBufferState Of(ICloudStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var streams = Enum.GetValues<CloudStream>().Select(s => (Name: CloudMessage.TypeName(s), Status: status.Stream(s))).ToList();
        return new CloudBufferState(
            status.Connected,
            status.BufferBytes,
            status.BufferMaxBytes,
            streams.ToDictionary(s => s.Name, s => s.Status.Unsent),
            status.OldestUnsentAge is { } age ? Math.Round(Math.Max(0, age.TotalSeconds), 1) : null,
            status.LastSyncAt,
            streams.ToDictionary(s => s.Name, s => s.Status.SentItems),
            streams.ToDictionary(s => s.Name, s => new DroppedItems(s.Status.DroppedFull, s.Status.DroppedExpired)),
            status.SendFailures);
    }
}

/// <summary>Items of one stream dropped over the buffer's size cap (<c>full</c>) or its age cap (<c>expired</c>).</summary>
public sealed record DroppedItems(long Full, long Expired);
