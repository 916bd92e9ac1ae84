using System.Text;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Tests.Tokenization;

public sealed class CardTokenizerRotationTests
{
    private static readonly byte[] OldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] NewKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Pan = Encoding.ASCII.GetBytes("4111111111111111");

    [Fact]
    public void DuringARotation_NewTokensUseTheNewKey_AndThePreviousTokenIsTheOldKeys()
    {
        var rotating = new CardTokenizer(NewKey, "k2", OldKey, "k1");

        var tokens = rotating.TokenizeWithPrevious(Pan);

        Assert.Equal(new CardTokenizer(NewKey, "k2").Tokenize(Pan), tokens.Current);
        Assert.Equal(new CardTokenizer(OldKey, "k1").Tokenize(Pan), tokens.Previous);
        Assert.Equal(tokens.Current, rotating.Tokenize(Pan));
        Assert.StartsWith("k2.", tokens.Current, StringComparison.Ordinal);
        Assert.StartsWith("k1.", tokens.Previous, StringComparison.Ordinal);
        Assert.Equal("k1", rotating.PreviousKeyId);
    }

    [Fact]
    public void WithoutAPreviousKey_ThePreviousTokenIsNull()
    {
        var tokens = new CardTokenizer(NewKey, "k2").TokenizeWithPrevious(Pan);
        Assert.Null(tokens.Previous);
        Assert.Equal(new CardTokenizer(NewKey, "k2").Tokenize(Pan), tokens.Current);
    }

    [Fact]
    public void PreviousKey_NeedsItsOwnIdAndItsOwnBytes()
    {
        Assert.Throws<ArgumentException>(() => new CardTokenizer(NewKey, "k2", OldKey, "k2"));
        Assert.Throws<ArgumentException>(() => new CardTokenizer(NewKey, "k2", NewKey, "k1"));
        Assert.Throws<ArgumentException>(() => new CardTokenizer(NewKey, "k2", new byte[16], "k1"));
    }

    [Fact]
    public void Fingerprint_TellsKeysApart_AndIsStable()
    {
        Assert.Equal(KeyFingerprint.Of(OldKey), new CardTokenizer(OldKey, "a").Fingerprint);
        Assert.NotEqual(KeyFingerprint.Of(OldKey), KeyFingerprint.Of(NewKey));
        Assert.Matches("^[0-9a-f]{16}$", KeyFingerprint.Of(OldKey));

        // HMAC-SHA256(key 0x01..0x20, "EdgeAgent tokenization key check v1"), first 8 bytes, computed with Python's hmac.
        Assert.Equal("0dc923204f6da898", KeyFingerprint.Of(OldKey));
    }
}
