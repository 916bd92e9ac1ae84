using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Cloud.Transport;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>The buffer's state as JSON, the same in snapshots, the <c>GetTelemetry</c> answer, the reported properties and /status.</summary>
public static class CloudStatusJson
{
    public static void WriteBuffer(Utf8JsonWriter json, ICloudStatus status, string name = "buffer")
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WritePropertyName(name);
        JsonSerializer.Serialize(json, CloudBufferState.Of(status), CloudJson.Default.CloudBufferState);
    }
}

/// <summary>
/// The cloud buffer and link at one moment, per stream by the stream's message type: the age of the oldest unsent
/// item is null when nothing waits, the last sync (the cloud's last acknowledgement) null before the first.
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

/// <summary>Source-generated JSON for the cloud's documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CloudBufferState))]
[JsonSerializable(typeof(Transport.MethodError))]
[JsonSerializable(typeof(Control.FlushResult))]
[JsonSerializable(typeof(Control.ReportedDocument))]
public sealed partial class CloudJson : JsonSerializerContext;
