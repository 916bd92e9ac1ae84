using System.Text;
using CsCheck;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tests.Properties;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class OwnCardNumberTests
{
    private static readonly byte[] Pan = "4111111111111111"u8.ToArray();

    [Theory]
    [InlineData("ab4111111111111111cd")]
    [InlineData("65a1f3c29b7e4d4111111111111111")]
    [InlineData("card=4111-1111-1111-1111")]
    [InlineData("4111x1111y1111z1111")]
    [InlineData("pos/store-1/t1/responses/r4111111111111111")]
    [InlineData("x 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1")]
    public void ThePan_IsFound_InsideTokensAndBetweenSeparators(string text)
    {
        Assert.True(OwnCardNumber.InText(text, Pan));
        Assert.True(OwnCardNumber.InBytes(Encoding.ASCII.GetBytes(text), Pan));
    }

    [Theory]
    [InlineData("411111111111111")]
    [InlineData("4111111111111112")]
    [InlineData("5500005555555559")]
    [InlineData("T-20261128-000042")]
    [InlineData("")]
    public void OtherDigits_AreNotThePan(string text)
    {
        Assert.False(OwnCardNumber.InText(text, Pan));
        Assert.False(OwnCardNumber.InBytes(Encoding.ASCII.GetBytes(text), Pan));
    }

    [Theory]
    [InlineData(new byte[] { 0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 })]
    [InlineData(new byte[] { 0x00, 0x04, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F })]
    [InlineData(new byte[] { 0xAB, 0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0xFF })]
    public void ThePan_IsFound_InPackedBcd_OnEitherHalfOfAByte(byte[] correlation)
    {
        Assert.True(OwnCardNumber.InBytes(correlation, Pan));
    }

    [Fact]
    public void InJson_SkipsThePansOwnValue_AndReadsEscapesAsTheirText()
    {
        var json = """{"pan":"4111111111111111","note":"x"}"""u8.ToArray();
        var start = Encoding.ASCII.GetString(json).IndexOf("4111", StringComparison.Ordinal);

        Assert.False(OwnCardNumber.InJson(json, start, Pan.Length, Pan));
        Assert.True(OwnCardNumber.InJson(json, 0, 0, Pan));

        var escaped = Encoding.ASCII.GetBytes("{\"note\":\"ab\\u00341111111111111111cd\"}");
        Assert.True(OwnCardNumber.InJson(escaped, 0, 0, Pan));

        // An escaped backslash followed by "u0034" is the text \u0034: its digits are 0, 0, 3, 4, not a lone 4.
        var literal = Encoding.ASCII.GetBytes("{\"note\":\"\\\\u003411111111111111\"}");
        Assert.True(OwnCardNumber.InJson(literal, 0, 0, "3411111111111111"u8));
        Assert.False(OwnCardNumber.InJson(literal, 0, 0, "4111111111111111"u8));

        // Other escapes are read whole: \u0041 is a letter, its hex digits are no digits of the text.
        var letter = Encoding.ASCII.GetBytes("{\"note\":\"4111\\u00411111111111111\"}");
        Assert.False(OwnCardNumber.InJson(letter, 0, 0, "411100411111"u8));
        Assert.True(OwnCardNumber.InJson(letter, 0, 0, "4111111111111111"u8));
    }

    [Fact]
    public void AnyPan_HiddenAnywhereInARandomHexToken_IsFound() =>
        Gen.Select(PaymentGen.CardNumber, Gen.Byte.Array[4, 24], Gen.Byte.Array[0, 24]).Sample((pan, before, after) =>
        {
            var token = Convert.ToHexStringLower(before) + pan + Convert.ToHexStringLower(after);
            return OwnCardNumber.InText(token, Encoding.ASCII.GetBytes(pan));
        }, iter: PropertyRuns.Of(20_000));
}
