using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Payments.Encryption;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Payments.Encryption;

public sealed class EncryptedPanParsingTests : IDisposable
{
    private readonly PanDecryptor _decryptor = new([NodeKeys.Current, NodeKeys.Previous]);

    public void Dispose() => _decryptor.Dispose();

    [Fact]
    public void EncryptedPan_GetsTheSameTokenAsTheClearOne()
    {
        var clear = Parser().Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json()), overLoopback: true);
        var encrypted = Parse(Jwe(NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Current)), overLoopback: false);

        Assert.True(encrypted.IsValid, string.Join("; ", encrypted.Errors.Select(e => e.Code + ": " + e.Message)));
        Assert.Equal(clear.Event!.CardToken, encrypted.Event!.CardToken);
    }

    [Fact]
    public void EncryptedPan_ToThePreviousKey_IsAccepted()
    {
        Assert.True(Parse(Jwe(NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Previous)), overLoopback: false).IsValid);
    }

    [Theory]
    [InlineData("tampered", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("wrong key", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("unknown kid", ValidationCodes.PanKeyUnknown)]
    [InlineData("wrong alg", ValidationCodes.PanEncryptionInvalid)]
    [InlineData("garbage", ValidationCodes.PanEncryptionInvalid)]
    public void BadJwe_IsRejectedWithItsCode(string fault, string code)
    {
        var good = NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Current);
        var jwe = fault switch
        {
            "tampered" => good[..^3] + (good[^3] == 'A' ? 'B' : 'A') + good[^2..],
            "wrong key" => NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Foreign, kid: NodeKeys.Kid(NodeKeys.Current)),
            "unknown kid" => NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Foreign),
            "wrong alg" => "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ" + good[good.IndexOf('.', StringComparison.Ordinal)..],
            _ => "a.b.c.d.e",
        };

        var result = Parse(Jwe(jwe), overLoopback: true);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("pan", code), (error.Field, error.Code));
        Assert.DoesNotContain(TestPayments.Pan, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncryptedPan_WithoutNodeKeys_IsRejectedAsUnknownKey()
    {
        var parser = new PaymentParser(TestPayments.Tokenizer, new ValidationOptions(), "pos", new FakeTimeProvider(TestPayments.Now));

        var result = parser.Parse(TestPayments.Topic, TestPayments.Bytes(Jwe(NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Current))), overLoopback: true);

        Assert.Equal(ValidationCodes.PanKeyUnknown, Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData(ClearPanMode.Loopback, true, true)]
    [InlineData(ClearPanMode.Loopback, false, false)]
    [InlineData(ClearPanMode.Allow, false, true)]
    [InlineData(ClearPanMode.Refuse, true, false)]
    public void ClearPan_IsAcceptedOnlyWhereTheSettingSays(ClearPanMode mode, bool overLoopback, bool accepted)
    {
        var result = Parser(new ValidationOptions { ClearPan = mode }).Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json()), overLoopback: overLoopback);

        Assert.Equal(accepted, result.IsValid);
        if (!accepted)
        {
            Assert.Equal(("pan", ValidationCodes.PanClearRefused), (result.Errors[0].Field, result.Errors[0].Code));
        }
    }

    [Fact]
    public void EncryptedPan_IsAcceptedWhereClearOnesAreRefused()
    {
        var result = Parser(new ValidationOptions { ClearPan = ClearPanMode.Refuse })
            .Parse(TestPayments.Topic, TestPayments.Bytes(Jwe(NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Current))), overLoopback: false);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void EncryptedNonDigits_AreRejectedLikeClearOnes()
    {
        var result = Parse(Jwe(NodeKeys.Encrypt("4111111111111112", NodeKeys.Current)), overLoopback: true);

        Assert.Equal(ValidationCodes.LuhnCheckFailed, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void EscapedJwe_IsRejected()
    {
        var jwe = NodeKeys.Encrypt(TestPayments.Pan, NodeKeys.Current).Replace("e", "\\u0065", StringComparison.Ordinal);

        Assert.Equal(ValidationCodes.PanEncryptionInvalid, Assert.Single(Parse(Jwe(jwe), overLoopback: true).Errors).Code);
    }

    private static string Jwe(string jwe) => TestPayments.Json(pan: "\"" + jwe + "\"");

    private PaymentParseResult Parse(string json, bool overLoopback) =>
        Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json), overLoopback: overLoopback);

    private PaymentParser Parser(ValidationOptions? options = null) =>
        new(TestPayments.Tokenizer, options ?? new ValidationOptions(), "pos", new FakeTimeProvider(TestPayments.Now), _decryptor);
}
