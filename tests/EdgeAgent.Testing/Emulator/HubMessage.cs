using System.Text.Json;
using EdgeAgent.Shared.Uplink;

namespace EdgeAgent.Testing.Emulator;

/// <summary>A telemetry message as the hub received it: its properties from the topic's bag and its body (an Avro records batch, gzip or plain JSON).</summary>
public sealed record HubMessage(IReadOnlyDictionary<string, string> Properties, byte[] Body)
{
    public string MessageId => Properties["$.mid"];

    public string Type => Properties["messageType"];

    /// <summary>The body's JSON text: a records batch's rows turned into JSON, a gzip'd body inflated.</summary>
    public byte[] Text => UplinkPayload.Open(Body);

    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public IReadOnlyList<JsonElement> Items() => Json.GetProperty("items").EnumerateArray().ToList();
}
