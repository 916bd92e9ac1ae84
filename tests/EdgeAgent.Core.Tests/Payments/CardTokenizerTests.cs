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
}
