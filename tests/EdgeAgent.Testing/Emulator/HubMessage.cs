using System.Text.Json;

namespace EdgeAgent.Testing.Emulator;

/// <summary>A telemetry message as the hub received it: its properties from the topic's bag and its body.</summary>
public sealed record HubMessage(IReadOnlyDictionary<string, string> Properties, byte[] Body)
{
    public string MessageId => Properties["$.mid"];

    public string Type => Properties["messageType"];

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public IReadOnlyList<JsonElement> Items() => Json.GetProperty("items").EnumerateArray().ToList();
}
