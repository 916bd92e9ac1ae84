using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// Authenticates control messages (desired properties, method requests) that reach the agent over a generic MQTT
/// broker, where anyone allowed to publish on the topic could otherwise send them. The cloud signs each one with a
/// secret it shares with the node: MQTT 5 user properties <c>ts</c> (Unix seconds) and <c>sig</c> =
/// base64url(HMAC-SHA256(key, <c>"edgeagent-control-v1\n" + topic + "\n" + responseTopic + "\n" + base64(correlationData)
/// + "\n" + ts + "\n"</c> followed by the payload bytes)). The topic and the response topic are signed, so a signed
/// message cannot be moved to another agent or have its answer redirected. A method request must be fresh (within
/// <see cref="MaxClockSkew"/>) and is accepted once; a desired-properties document is retained on the broker and may be
/// old, so only its signature counts (its <c>$version</c> keeps older documents out while the agent runs).
/// </summary>
public sealed class ControlMessageSignature
{
    /// <summary>How far a method request's timestamp may be from the agent's clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const int MaxRemembered = 4096;
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("edgeagent-control-v1\n");

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public ControlMessageSignature(byte[] key, TimeProvider time)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("A control key needs at least 32 bytes.", nameof(key));
        }

        _key = key;
        _time = time;
    }

    /// <summary>Reads a key file: base64 of at least 32 bytes (<c>EdgeAgent credentials init</c> writes one).</summary>
    public static ControlMessageSignature FromFile(string path, TimeProvider time)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Cloud:ControlKeyFile {path} is not base64");
        }

        return key.Length >= 32 ? new ControlMessageSignature(key, time) : throw new InvalidOperationException($"Cloud:ControlKeyFile {path} holds {key.Length} bytes; at least 32 are needed");
    }

    /// <summary>The <c>sig</c> value for a message (what the cloud computes).</summary>
    public static string Sign(ReadOnlySpan<byte> key, string topic, string? responseTopic, byte[]? correlationData, long timestamp, ReadOnlySpan<byte> payload)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Label);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{topic}\n{responseTopic}\n{(correlationData is null ? "" : Convert.ToBase64String(correlationData))}\n{timestamp}\n")));
        hmac.AppendData(payload);
        return Base64Url.EncodeToString(hmac.GetHashAndReset());
    }

    /// <summary>Null when the message is authentic (and, for a method, fresh and new); else why not.</summary>
    public string? Verify(string topic, string? responseTopic, byte[]? correlationData, ReadOnlySpan<byte> payload, string? timestamp, string? signature, bool once)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "unsigned (no ts and sig user properties)";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(_key, topic, responseTopic, correlationData, seconds, payload));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
        {
            return "bad signature";
        }

        if (!once)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((now - sent).Duration() > MaxClockSkew)
        {
            return "stale (ts more than 5 minutes from the agent's clock)";
        }

        Forget(now);
        return _seen.TryAdd(signature, sent + MaxClockSkew) ? null : "replayed";
    }

    private void Forget(DateTimeOffset now)
    {
        if (_seen.Count < MaxRemembered)
        {
            return;
        }

        foreach (var (signature, expires) in _seen)
        {
            if (expires < now)
            {
                _seen.TryRemove(signature, out _);
            }
        }
    }
}
