using System.Security.Cryptography;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Tokenization;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>The uplink encoding: exact round trips, refusal of anything malformed, and its size on the wire.</summary>
public sealed class FleetDeltaCodecTests(ITestOutputHelper output)
{
    /// <summary>Bytes MQTT 5 adds to a QoS 1 PUBLISH on <c>edgeagent/fleet/{store}/deltas</c> without properties, as the link sends it.</summary>
    private static int MqttOverhead(string store, int payload)
    {
        var topic = $"edgeagent/fleet/{store}/deltas".Length;
        var properties = 1; // the property length, zero
        var remaining = 2 + topic + 2 + 1 + properties + payload;
        var lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3;
        return 1 + lengthBytes + remaining - payload;
    }

    private static List<FleetDelta> Deltas(Random random, int count)
    {
        var tokenizer = new CardTokenizer(RandomNumberGenerator.GetBytes(32), "k1");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            // A terminal gives a place whole or not at all (four in five do, to six decimals).
            var located = random.Next(5) != 0;
            return new FleetDelta(
                tokenizer.Tokenize(System.Text.Encoding.ASCII.GetBytes($"4111{random.NextInt64(1_000_000_000_000):d12}")),
                FleetDeltaCodec.PaymentIdOf("t", "store/t1/" + i),
                now - random.Next(0, 600_000),
                Math.Round(random.NextDouble() * 300, 2),
                random.Next(),
                located ? Math.Round(40 + random.NextDouble(), 6) : double.NaN,
                located ? Math.Round(-3 - random.NextDouble(), 6) : double.NaN);
        })];
    }

    [Fact]
    public void Every_value_round_trips_exactly()
    {
        var random = new Random(3);
        var deltas = Deltas(random, 200);
        deltas.Add(deltas[0] with { Amount = 0.1 + 0.2, Latitude = Math.PI, Longitude = -Math.E, CardToken = "not-a-packed-token", PaymentId = "store-a:pay-1" });
        deltas.Add(deltas[0] with { Latitude = 45, Longitude = double.NaN });
        var batch = new FleetDeltaBatch("store-a", KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32)), deltas);

        var decoded = FleetDeltaCodec.Decode(FleetDeltaCodec.Encode(batch), out var error);

        Assert.Null(error);
        Assert.NotNull(decoded);
        Assert.Equal(batch.StoreId, decoded.StoreId);
        Assert.Equal(batch.KeyFingerprint, decoded.KeyFingerprint);
        Assert.Equal(deltas, decoded.Deltas);
    }

    [Fact]
    public void Truncated_or_altered_messages_are_refused_never_guessed()
    {
        var random = new Random(4);
        var encoded = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32)), Deltas(random, 5)));
        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.Null(FleetDeltaCodec.Decode(encoded.AsSpan(0, length), out var error));
            Assert.NotNull(error);
        }

        Assert.Null(FleetDeltaCodec.Decode([.. encoded, 0], out _));
        var otherVersion = encoded.ToArray();
        otherVersion[0] = 2;
        Assert.Null(FleetDeltaCodec.Decode(otherVersion, out _));
        for (var i = 0; i < 2000; i++)
        {
            var noise = new byte[random.Next(1, 200)];
            random.NextBytes(noise);
            noise[0] = FleetDeltaCodec.Version;
            _ = FleetDeltaCodec.Decode(noise, out _); // never throws
        }
    }

    [Theory]
    [InlineData(1, 120)]
    [InlineData(2, 100)]
    [InlineData(10, 70)]
    [InlineData(100, 60)]
    public void Bytes_per_payment_on_the_wire(int perMessage, int bound)
    {
        var random = new Random(perMessage);
        var deltas = Deltas(random, perMessage * 50);
        long payload = 0, wire = 0;
        foreach (var chunk in deltas.Chunk(perMessage))
        {
            var bytes = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-0042", KeyFingerprint.Of(new byte[32]), chunk)).Length;
            payload += bytes;
            wire += bytes + MqttOverhead("store-0042", bytes);
        }

        var perPayment = (double)wire / deltas.Count;
        output.WriteLine($"{perMessage} per message: {(double)payload / deltas.Count:F1} bytes of payload, {perPayment:F1} on the wire (MQTT 5 PUBLISH, no TCP/TLS) per payment");

        // The fleet's receipt (a PUBLISH with 8 bytes of correlation data and a small JSON body) and the PUBACKs come back down, per message.
        Assert.True(perPayment <= bound, $"{perPayment:F1} bytes per payment");
    }
}
