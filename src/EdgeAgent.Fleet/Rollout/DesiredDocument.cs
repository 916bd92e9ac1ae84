using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// A store's desired-properties document as the agent's MQTT cloud transport reads it (<c>Cloud:DesiredTopic</c>, a
/// retained whole set) and its signature with the store's control key, the agent's <c>Cloud:ControlKeyFile</c>:
/// user properties <c>ts</c> and <c>sig</c> = base64url(HMAC-SHA256(key, "edgeagent-control-v1\n" + topic + "\n\n\n" +
/// ts + "\n" + payload)), the agent's control-message signature with no response topic and no correlation data.
/// </summary>
internal static class DesiredDocument
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("edgeagent-control-v1\n");

    /// <summary><c>{"$version":…,"model":…}</c>: the whole set, so the model is the only desired property the fleet sets.</summary>
    public static byte[] Write(long version, string modelJson)
    {
        var document = new JsonObject
        {
            ["$version"] = version,
            ["model"] = JsonNode.Parse(modelJson),
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }

    /// <summary>The <c>model</c> value that assigns <paramref name="model"/> by value.</summary>
    public static string Assignment(RolloutModel model) => new JsonObject
    {
        ["name"] = model.Name,
        ["version"] = model.Version,
        ["sha256"] = model.Sha256,
        ["url"] = model.Url,
    }.ToJsonString();

    /// <summary>The <c>model</c> value that names a card already in the agent's models folder.</summary>
    public static string CardName(string cardName) => JsonSerializer.Serialize(cardName);

    public static string Sign(ReadOnlySpan<byte> key, string topic, long timestamp, ReadOnlySpan<byte> payload)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Label);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{topic}\n\n\n{timestamp}\n")));
        hmac.AppendData(payload);
        return Base64Url.EncodeToString(hmac.GetHashAndReset());
    }
}
