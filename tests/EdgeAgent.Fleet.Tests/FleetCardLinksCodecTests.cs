using System.Security.Cryptography;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A key rotation's links in the uplink encoding: the previous-key tokens round-trip exactly, a batch without links is
/// what it was before links existed, and a links section that does not add up is refused.
/// </summary>
public sealed class FleetCardLinksCodecTests
{
    private static readonly CardTokenizer Rotating = new(RandomNumberGenerator.GetBytes(32), "k2", RandomNumberGenerator.GetBytes(32), "k1");
    private static readonly string Fingerprint = KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32));

    private static (List<FleetDelta> Deltas, Dictionary<string, string> Previous) Batch(int cards, int perCard)
    {
        var deltas = new List<FleetDelta>();
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var card = 0; card < cards; card++)
        {
            var tokens = Rotating.TokenizeWithPrevious(System.Text.Encoding.ASCII.GetBytes($"41111111{card:d8}"));
            previous[tokens.Current] = tokens.Previous!;
            for (var i = 0; i < perCard; i++)
            {
                deltas.Add(new FleetDelta(tokens.Current, FleetDeltaCodec.PaymentIdOf(tokens.Current, $"s/t/{card}-{i}"), now - (i * 1000), 12.5 + i, card, double.NaN, double.NaN));
            }
        }

        return (deltas, previous);
    }

    [Fact]
    public void Links_round_trip_exactly_for_the_cards_of_the_batch()
    {
        var (deltas, previous) = Batch(cards: 5, perCard: 3);
        var linked = previous.Take(3).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        linked["k2.not-in-this-batch"] = "k1.not-in-this-batch";
        var batch = new FleetDeltaBatch("store-a", Fingerprint, deltas) { Links = new FleetCardLinks(Rotating.PreviousFingerprint!, linked) };

        var decoded = FleetDeltaCodec.Decode(FleetDeltaCodec.Encode(batch), out var error);

        Assert.Null(error);
        Assert.NotNull(decoded);
        Assert.Equal(deltas, decoded.Deltas);
        Assert.NotNull(decoded.Links);
        Assert.Equal(Rotating.PreviousFingerprint, decoded.Links.PreviousKeyFingerprint);
        Assert.Equal(previous.Take(3).OrderBy(p => p.Key, StringComparer.Ordinal), decoded.Links.PreviousTokens.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_without_links_for_its_cards_is_the_batch_of_before()
    {
        var (deltas, _) = Batch(cards: 3, perCard: 2);
        var plain = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", Fingerprint, deltas));
        var unrelated = new FleetCardLinks(Rotating.PreviousFingerprint!, new Dictionary<string, string> { ["k2.elsewhere"] = "k1.elsewhere" });

        Assert.Equal(plain, FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", Fingerprint, deltas) { Links = unrelated }));
        Assert.Null(FleetDeltaCodec.Decode(plain, out _)!.Links);
    }

    [Fact]
    public void Links_that_do_not_add_up_are_refused()
    {
        var (deltas, previous) = Batch(cards: 2, perCard: 2);
        var encoded = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", Fingerprint, deltas) { Links = new FleetCardLinks(Rotating.PreviousFingerprint!, previous) });
        var plainLength = FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", Fingerprint, deltas)).Length;

        // Cut anywhere inside the links: refused, never read as a shorter set of links.
        for (var length = plainLength + 1; length < encoded.Length; length++)
        {
            Assert.Null(FleetDeltaCodec.Decode(encoded.AsSpan(0, length), out var error));
            Assert.NotNull(error);
        }

        // The links section is fingerprint:8 | count | (index | flags | token)*: the count at plainLength + 8, the first index after it.
        Assert.Equal(2, encoded[plainLength + 8]);
        var tooMany = encoded.ToArray();
        tooMany[plainLength + 8] = 5;
        Assert.Null(FleetDeltaCodec.Decode(tooMany, out _));

        var outOfRange = encoded.ToArray();
        outOfRange[plainLength + 9] = 4;
        Assert.Null(FleetDeltaCodec.Decode(outOfRange, out _));

        // The second card's link pointed at the first card's delta (index 1 is the first card's second payment): a card linked twice.
        var secondIndexAt = encoded.Length - (1 + 1 + 1 + 2 + 18);
        Assert.Equal(2, encoded[secondIndexAt]);
        var twice = encoded.ToArray();
        twice[secondIndexAt] = 1;
        Assert.Null(FleetDeltaCodec.Decode(twice, out var twiceError));
        Assert.Equal("a card linked twice", twiceError);

        Assert.Null(FleetDeltaCodec.Decode([.. encoded, 0], out var trailing));
        Assert.Equal("trailing bytes", trailing);
    }
}
