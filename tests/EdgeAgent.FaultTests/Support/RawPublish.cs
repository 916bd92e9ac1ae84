using System.Text;

namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// An MQTT 5 PUBLISH written byte by byte, for what client libraries refuse to send: wildcards or NUL in a response
/// topic, invalid UTF-8 in a topic, oversize properties. Sent on a raw connection; the broker's reply (PUBACK reason code,
/// or the connection closed) is what a terminal would see.
/// </summary>
internal sealed record RawPublish(byte[] Topic, byte[] Payload)
{
    public int Qos { get; init; } = 1;

    public bool Retain { get; init; }

    public byte[]? ResponseTopic { get; init; }

    public byte[]? Correlation { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyList<(string Name, string Value)> UserProperties { get; init; } = [];

    public static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Connects, publishes, and returns the PUBACK reason code (0 at QoS 0 once sent), or null when the broker closed the connection.</summary>
    public async Task<int?> SendAsync(int port, string clientId)
    {
        await using var raw = await RawMqtt.OpenAsync(port);
        await raw.SendAsync(RawMqtt.Connect(5, clientId, cleanSession: true, keepAlive: 30));
        if (await raw.ReadPacketAsync() is not { Header: 0x20 })
        {
            throw new InvalidOperationException("no CONNACK");
        }

        await raw.SendAsync(Packet());
        if (Qos == 0)
        {
            // A PINGREQ answered proves the broker read the publish before it.
            await raw.SendAsync([0xC0, 0x00]);
            return await raw.ReadPacketAsync() is { Header: 0xD0 } ? 0 : null;
        }

        return await raw.ReadPacketAsync() switch
        {
            { Header: 0x40, Body: var body } => body.Length > 2 ? body[2] : 0,
            _ => null,
        };
    }

    private byte[] Packet()
    {
        var properties = new List<byte>();
        if (ResponseTopic is { } response)
        {
            properties.Add(0x08);
            properties.AddRange(Prefixed(response));
        }

        if (Correlation is { } correlation)
        {
            properties.Add(0x09);
            properties.AddRange(Prefixed(correlation));
        }

        if (ContentType is { } contentType)
        {
            properties.Add(0x03);
            properties.AddRange(Prefixed(U(contentType)));
        }

        foreach (var (name, value) in UserProperties)
        {
            properties.Add(0x26);
            properties.AddRange(Prefixed(U(name)));
            properties.AddRange(Prefixed(U(value)));
        }

        var body = new List<byte>();
        body.AddRange(Prefixed(Topic));
        if (Qos > 0)
        {
            body.AddRange([0x00, 0x01]);
        }

        body.AddRange(RawMqtt.RemainingLength(properties.Count));
        body.AddRange(properties);
        body.AddRange(Payload);
        var header = (byte)(0x30 | (Qos << 1) | (Retain ? 1 : 0));
        return [header, .. RawMqtt.RemainingLength(body.Count), .. body];
    }

    private static byte[] Prefixed(byte[] bytes) => [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
}
