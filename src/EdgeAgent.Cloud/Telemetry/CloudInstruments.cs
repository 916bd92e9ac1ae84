using System.Diagnostics.Metrics;
using EdgeAgent.Cloud.Transport;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// The uplink's state as observable instruments on the agent's meter: the buffer's backlog, age, sends and drops,
/// read from <see cref="ICloudStatus"/> when an exporter or the host's reader asks. Created only when a cloud
/// transport is configured, so an agent without one exports no cloud series.
/// </summary>
public static class CloudInstruments
{
    public const string Connected = "edgeagent.cloud.connected";
    public const string BufferSize = "edgeagent.cloud.buffer.size";
    public const string BufferLimit = "edgeagent.cloud.buffer.limit";
    public const string Unsent = "edgeagent.cloud.unsent";
    public const string OldestUnsentAge = "edgeagent.cloud.oldest_unsent.age";
    public const string LastSyncTime = "edgeagent.cloud.last_sync.time";
    public const string Sent = "edgeagent.cloud.sent";
    public const string Dropped = "edgeagent.cloud.dropped";
    public const string SendFailures = "edgeagent.cloud.send_failures";

    public static void Register(IMeterFactory meterFactory, ICloudStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        var meter = meterFactory.Create(AgentMeter.Name);
        var streams = Enum.GetValues<CloudStream>();
        meter.CreateObservableGauge(Connected, () => status.Connected ? 1 : 0, null, "1 while the cloud connection is up.");
        meter.CreateObservableUpDownCounter(BufferSize, () => status.BufferBytes, "By", "Unsent data for the cloud, in bytes as it will be sent.");
        meter.CreateObservableGauge(BufferLimit, () => status.BufferMaxBytes, "By", "The buffer's limit in force; past it the full policy drops.");
        meter.CreateObservableUpDownCounter(Unsent, () => streams.Select(s => Measure(status.Stream(s).Unsent, s)), "{item}", "Items waiting for the cloud, by stream.");
        meter.CreateObservableGauge(OldestUnsentAge, () => Math.Max(0, status.OldestUnsentAge?.TotalSeconds ?? 0), "s", "Age of the oldest unsent item (0 when none waits).");
        meter.CreateObservableGauge(LastSyncTime, () => status.LastSyncAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, "s", "When the cloud last acknowledged a message, Unix time (0: never).");
        meter.CreateObservableCounter(Sent, () => streams.Select(s => Measure(status.Stream(s).SentItems, s)), "{item}", "Items the cloud acknowledged, by stream.");
        meter.CreateObservableCounter(Dropped, () => streams.SelectMany(s => new[]
        {
            Measure(status.Stream(s).DroppedFull, s, "full"),
            Measure(status.Stream(s).DroppedExpired, s, "expired"),
        }), "{item}", "Items dropped unsent, by stream and reason (full: buffer full; expired: older than the buffer's age limit).");
        meter.CreateObservableCounter(SendFailures, () => status.SendFailures, "{send}", "Sends that failed and were retried.");
    }

    private static Measurement<long> Measure(long value, CloudStream stream) =>
        new(value, new KeyValuePair<string, object?>("stream", CloudMessage.TypeName(stream)));

    private static Measurement<long> Measure(long value, CloudStream stream, string reason) =>
        new(value, new KeyValuePair<string, object?>("stream", CloudMessage.TypeName(stream)), new KeyValuePair<string, object?>("reason", reason));
}
