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

        // The previous delta's place and merchant, said once; a place that is not in 1e-7 degrees, repeated.
        deltas.Add(deltas[^1] with { CardToken = deltas[1].CardToken, PaymentId = FleetDeltaCodec.PaymentIdOf("t", "again") });
        deltas.Add(deltas[5] with { Latitude = 41.3851, Longitude = 2.1734, PaymentId = FleetDeltaCodec.PaymentIdOf("t", "a place") });
        deltas.Add(deltas[^1] with { PaymentId = FleetDeltaCodec.PaymentIdOf("t", "the same place") });
        deltas.Add(deltas[0] with { Latitude = 45, Longitude = double.NaN });
        deltas.Add(deltas[^1] with { PaymentId = FleetDeltaCodec.PaymentIdOf("t", "half a place again") });

        // A token under another key (a rotation under way) goes whole; so does one whose key id is not the batch's.
        deltas.Add(deltas[2] with { CardToken = "k0." + deltas[2].CardToken[3..] });
        deltas.Add(deltas[3] with { Latitude = double.NaN, Longitude = double.NaN });
        var batch = new FleetDeltaBatch("store-a", KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32)), deltas);

        // Version 2 as stores send deltas, version 1 as the fleet sends profiles (stores not yet upgraded read them).
        foreach (var version in new[] { FleetDeltaCodec.Version, FleetDeltaCodec.Version1 })
        {
            var encoded = FleetDeltaCodec.Encode(batch, version);
            var decoded = FleetDeltaCodec.Decode(encoded, out var error);

            Assert.Equal(version, encoded[0]);
            Assert.Null(error);
            Assert.NotNull(decoded);
            Assert.Equal(batch.StoreId, decoded.StoreId);
            Assert.Equal(batch.KeyFingerprint, decoded.KeyFingerprint);
            Assert.Equal(deltas, decoded.Deltas);
        }
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
        otherVersion[0] = 3;
        Assert.Null(FleetDeltaCodec.Decode(otherVersion, out _));
        for (var i = 0; i < 2000; i++)
        {
            var noise = new byte[random.Next(1, 200)];
            random.NextBytes(noise);
            noise[0] = FleetDeltaCodec.Version;
            _ = FleetDeltaCodec.Decode(noise, out _); // never throws
        }
    }

    [Fact]
    public void A_first_delta_that_claims_the_previous_place_or_merchant_or_a_flag_unknown_is_refused()
    {
        var delta = Deltas(new Random(5), 1)[0] with { Latitude = 40.5, Longitude = -3.25 };
        var encoded = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", KeyFingerprint.Of(new byte[32]), [delta]));

        // The first delta's flags follow the header: version, fingerprint, store, key id, base time, count.
        var flagsAt = 1 + 8 + 1 + "store-a".Length + 1 + "k1".Length + VarintLength((ulong)delta.EventUnixMs) + 1;
        Assert.Equal(1 | 2 | 4 | 8 | 16, encoded[flagsAt]);
        foreach (var (flags, reason) in new[] { (32 | 31, "no previous delta"), (64 | 31, "no previous delta"), (0x80 | 31, "unknown flags") })
        {
            var altered = encoded.ToArray();
            altered[flagsAt] = (byte)flags;
            if (flags >= 0x80)
            {
                altered = [.. altered[..(flagsAt + 1)], 1, .. altered[(flagsAt + 1)..]];
            }

            Assert.Null(FleetDeltaCodec.Decode(altered, out var error));
            Assert.Equal(reason, error);
        }
    }

    [Fact]
    public void A_message_of_the_first_version_is_still_read()
    {
        // Version 1 as stores not yet upgraded send it: flags one byte, the key id in the token, merchant and place whole.
        var hash = Enumerable.Range(1, 18).Select(b => (byte)b).ToArray();
        var paymentId = Enumerable.Range(100, 12).Select(b => (byte)b).ToArray();
        byte[] message =
        [
            1, 1, 2, 3, 4, 5, 6, 7, 8, 7, .. "store-a"u8, 0xE8, 0x07, 1,
            1 | 2 | 4 | 8 | 16, 2, .. "k1"u8, .. hash, .. paymentId, 5, 0xE2, 0x09, 7, 0, 0, 0,
            .. BitConverter.GetBytes(405_000_000), .. BitConverter.GetBytes(-32_500_000),
        ];

        var decoded = FleetDeltaCodec.Decode(message, out var error);

        Assert.Null(error);
        Assert.NotNull(decoded);
        Assert.Equal(("store-a", "0102030405060708"), (decoded.StoreId, decoded.KeyFingerprint));
        Assert.Equal(
            new FleetDelta("k1." + System.Buffers.Text.Base64Url.EncodeToString(hash), Convert.ToHexStringLower(paymentId), 1005, 12.5, 7, 40.5, -3.25),
            Assert.Single(decoded.Deltas));
    }

    [Theory]
    [InlineData(1, false, 120)]
    [InlineData(2, false, 95)]
    [InlineData(10, false, 60)]
    [InlineData(100, false, 55)]
    [InlineData(10, true, 50)]
    [InlineData(100, true, 40)]
    public void Bytes_per_payment_on_the_wire(int perMessage, bool oneStore, int bound)
    {
        var random = new Random(perMessage);
        var deltas = Deltas(random, perMessage * 50);
        if (oneStore)
        {
            // What one store sends: its one merchant, and its place whenever the terminal gives one.
            deltas = [.. deltas.Select(d => d with { MerchantHash = 7, Latitude = double.IsNaN(d.Latitude) ? d.Latitude : 40.4168, Longitude = double.IsNaN(d.Longitude) ? d.Longitude : -3.7038 })];
        }

        long payload = 0, wire = 0, gzipped = 0;
        foreach (var chunk in deltas.Chunk(perMessage))
        {
            var message = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-0042", KeyFingerprint.Of(new byte[32]), chunk));
            payload += message.Length;
            wire += message.Length + MqttOverhead("store-0042", message.Length);
            gzipped += EdgeAgent.Shared.Uplink.UplinkPayload.Compress(message).Length;
        }

        // gzip is measured, not used: the token and the payment id are random bytes, and a flush's batch is small.
        var perPayment = (double)wire / deltas.Count;
        output.WriteLine($"{perMessage} per message{(oneStore ? ", one merchant and place" : "")}: {(double)payload / deltas.Count:F1} bytes of payload "
            + $"({(double)gzipped / deltas.Count:F1} gzipped), {perPayment:F1} on the wire (MQTT 5 PUBLISH, no TCP/TLS) per payment");

        // The fleet's receipt (a PUBLISH with 8 bytes of correlation data and a small JSON body) and the PUBACKs come back down, per message.
        Assert.True(perPayment <= bound, $"{perPayment:F1} bytes per payment");
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}
