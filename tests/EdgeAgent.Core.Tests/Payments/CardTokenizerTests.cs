using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class CardTokenizerTests
{
    private static readonly byte[] Key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Tokenize_IsKeyIdPlusTruncatedHmacOfTheDigits()
    {
        var pan = Encoding.ASCII.GetBytes("4111111111111111");
        var expected = "k7." + Convert.ToBase64String(HMACSHA256.HashData(Key, pan)[..18]).Replace('+', '-').Replace('/', '_');

        Assert.Equal(expected, new CardTokenizer(Key, "k7").Tokenize(pan));
    }

    [Fact]
    public void Tokenize_SameCardSameKey_SameToken_OtherKeyOtherToken()
    {
        var pan = Encoding.ASCII.GetBytes("5555555555554444");
        var other = Key.Select(b => (byte)(b ^ 0xFF)).ToArray();

        Assert.Equal(new CardTokenizer(Key, "a").Tokenize(pan), new CardTokenizer(Key, "a").Tokenize(pan));
        Assert.NotEqual(new CardTokenizer(Key, "a").Tokenize(pan)[2..], new CardTokenizer(other, "a").Tokenize(pan)[2..]);
    }

    [Fact]
    public void Constructor_ShortKeyOrBadKeyId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CardTokenizer(new byte[16], "k1"));
        Assert.Throws<ArgumentException>(() => new CardTokenizer(Key, "has.dot"));
        Assert.Throws<ArgumentException>(() => new CardTokenizer(Key, ""));
    }

    [Fact]
    public void Tokenize_KeptContexts_GiveTheOneShotHmac_ForEveryCardOnEveryThread_AndFollowANewTokenizer()
    {
        // Each thread keeps its HMAC contexts between cards: a context not reset, or shared between threads, or kept for
        // an earlier tokenizer, gives a token other than the one-shot HMAC of the card's digits.
        var other = Key.Select(b => (byte)(b ^ 0x5A)).ToArray();
        var first = new CardTokenizer(Key, "k1");
        var rotated = new CardTokenizer(other, "k2", Key, "k1");
        static string Expected(byte[] key, string id, byte[] pan) =>
            id + "." + Convert.ToBase64String(HMACSHA256.HashData(key, pan)[..18]).Replace('+', '-').Replace('/', '_');

        var mismatches = 0;
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 500; i++)
            {
                var pan = Encoding.ASCII.GetBytes((4000000000000000L + (i * 7919L)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                var tokens = rotated.TokenizeWithPrevious(pan);
                if (first.Tokenize(pan) != Expected(Key, "k1", pan)
                    || tokens.Current != Expected(other, "k2", pan)
                    || tokens.Previous != Expected(Key, "k1", pan)
                    || rotated.Tokenize(pan) != Expected(other, "k2", pan))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });

        Assert.Equal(0, mismatches);
    }
}
