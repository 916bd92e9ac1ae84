using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class CardNumberScannerTests
{
    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("4111.1111.1111.1111")]
    [InlineData("4111/1111/1111/1111")]
    [InlineData("4111_1111_1111_1111")]
    [InlineData("card 4111 1111 1111 1111 exp 12 30")]
    [InlineData("4111 1111 1111 1111 2030")]
    [InlineData("T-4111111111111111")]
    [InlineData("378282246310005")]
    [InlineData("3782-822463-10005")]
    [InlineData("6011111111111117")]
    [InlineData("3782 822463 10005")]
    [InlineData("3056 930902 5904")]
    [InlineData("6212 3456 7890 1234 569")]
    [InlineData("4222 2222 2222 2")]
    [InlineData("ref:4111111111111111;")]
    [InlineData("\u20ac4111111111111111")]
    [InlineData("card=4111-1111-1111-1111&x=1")]
    [InlineData("(4111 1111 1111 1111)")]
    [InlineData("100000000000009")]
    public void CardNumbers_AreFound_HoweverTheyAreWritten(string text)
    {
        Assert.True(CardNumberScanner.Contains(text));
        Assert.True(CardNumberScanner.Contains(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("2026-11-28T14:03:07.250+01:00")]
    [InlineData("48.856613999999996")]
    [InlineData("2.3522219000000001")]
    [InlineData("41111111111111111111111")]
    [InlineData("4111 1111-1111.1111")]
    [InlineData("T-20261128-000042")]
    [InlineData("store-17")]
    [InlineData("")]
    [InlineData("ab4111111111111111")]
    [InlineData("4111111111111111cd")]
    [InlineData("65a1f3c29b7e4d4111111111111111")]
    [InlineData("x4111-1111-1111-1111")]
    [InlineData("4111-1111-1111-1111x")]
    [InlineData("0000000000000000")]
    [InlineData("js-4242-1733490000127")]
    [InlineData("1733490000123450")]
    public void OtherDigitRuns_AreNotTakenForCardNumbers(string text)
    {
        Assert.False(CardNumberScanner.Contains(text));
    }

    [Theory]
    [InlineData("T-20261128-{0:D6}")]
    [InlineData("{0:D6}-20261128")]
    [InlineData("+49 {0:D3} 5550 1234")]
    [InlineData("2026.11.28.14.03.{0:D6}")]
    [InlineData("41111 11111 111{0:D3}")]
    public void DigitsGroupedOtherwiseThanOnACard_AreNeverTakenForCardNumbers(string format)
    {
        // A thousand values of each: with no layout rule about one in ten would pass the Luhn check.
        for (var n = 0; n < 1000; n++)
        {
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, n);
            Assert.False(CardNumberScanner.Contains(text), text);
        }
    }

    [Fact]
    public void Mask_HidesTheDigitsOnly()
    {
        Assert.Equal("T-################", CardNumberScanner.Mask("T-4111111111111111"));
        Assert.Equal("x #### #### #### #### y", CardNumberScanner.Mask("x 4111 1111 1111 1111 y"));
        Assert.Equal("nothing 42", CardNumberScanner.Mask("nothing 42"));
    }

    [Fact]
    public void MaskTopic_MasksEveryDigit_WhenACardNumberWasFoundInTheTopic()
    {
        const string topic = "pos/store-1/t4111111111111111x/payments";
        ValidationError[] refused = [new("topic", ValidationCodes.CardDataMisplaced, "the topic holds the payment's card number")];
        ValidationError[] other = [new("amount", ValidationCodes.OutOfRange, "amount is greater than zero")];

        Assert.Equal("pos/store-#/t################x/payments", CardNumberScanner.MaskTopic(topic, refused));
        Assert.Equal(topic, CardNumberScanner.MaskTopic(topic, other));
        Assert.Equal("pos/store-1/################/payments", CardNumberScanner.MaskTopic("pos/store-1/4111111111111111/payments", other));
    }
}
