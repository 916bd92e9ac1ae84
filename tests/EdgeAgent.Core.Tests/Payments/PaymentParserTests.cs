using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Payments;

public sealed class PaymentParserTests
{
    [Fact]
    public void Parse_ValidPayment_ReturnsEventWithTokenAndTopicIds()
    {
        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json()));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Code)));
        var payment = result.Event!;
        Assert.Equal("tx-1", payment.TransactionId);
        Assert.Equal("store-1", payment.StoreId);
        Assert.Equal("t1", payment.TerminalId);
        Assert.Equal(42.50m, payment.Amount);
        Assert.Equal("EUR", payment.Currency);
        Assert.Equal(TimeSpan.FromHours(1), payment.Timestamp.Offset);
        Assert.Equal(PaymentChannel.Pos, payment.Channel);
        Assert.Equal(new GeoPoint(48.85, 2.35), payment.Location);
        Assert.StartsWith("k1.", payment.CardToken, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPayments.Pan, payment.CardToken, StringComparison.Ordinal);
        Assert.Equal(TestPayments.Tokenizer.Tokenize(Encoding.ASCII.GetBytes(TestPayments.Pan)), payment.CardToken);
    }

    [Fact]
    public void Parse_CardTokenInsteadOfPan_KeepsTheToken()
    {
        var json = TestPayments.Json(pan: null, cardToken: "\"net-tok_12345678\"");

        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json));

        Assert.True(result.IsValid);
        Assert.Equal("net-tok_12345678", result.Event!.CardToken);
    }

    [Fact]
    public void Parse_UnknownFields_AreIgnored()
    {
        var json = TestPayments.Json(location: null).TrimEnd('}') + ",\"track2\":\"whatever\",\"extra\":{\"a\":[1,2]}}";

        Assert.True(TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json)).IsValid);
    }

    [Fact]
    public void Parse_LocationNull_IsValidWithoutLocation()
    {
        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json(location: "null")));

        Assert.True(result.IsValid);
        Assert.Null(result.Event!.Location);
    }

    [Theory]
    [InlineData("not json at all", "$", ValidationCodes.InvalidJson)]
    [InlineData("[1,2,3]", "$", ValidationCodes.InvalidJson)]
    [InlineData("{\"transactionId\":\"a\"", "$", ValidationCodes.InvalidJson)]
    [InlineData("{} {}", "$", ValidationCodes.InvalidJson)]
    [InlineData("{}", "transactionId", ValidationCodes.Required)]
    [InlineData("{}", "pan|cardToken", ValidationCodes.Required)]
    public void Parse_MalformedJson_IsRejectedWithReason(string json, string field, string code)
    {
        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    public static TheoryData<string, string, string> InvalidFields => new()
    {
        { TestPayments.Json(transactionId: "has space"), "transactionId", ValidationCodes.InvalidFormat },
        { TestPayments.Json(transactionId: new string('a', 65)), "transactionId", ValidationCodes.TooLong },
        { TestPayments.Json(transactionId: ""), "transactionId", ValidationCodes.InvalidFormat },
        { TestPayments.Json(timestamp: "2026-11-28T11:59:00"), "timestamp", ValidationCodes.InvalidFormat },
        { TestPayments.Json(timestamp: "yesterday"), "timestamp", ValidationCodes.InvalidFormat },
        { TestPayments.Json(timestamp: "2026-11-28T13:10:00+00:00"), "timestamp", ValidationCodes.TimestampInFuture },
        { TestPayments.Json(timestamp: "1999-12-31T23:00:00Z"), "timestamp", ValidationCodes.OutOfRange },
        { TestPayments.Json(amount: "0"), "amount", ValidationCodes.OutOfRange },
        { TestPayments.Json(amount: "-5"), "amount", ValidationCodes.OutOfRange },
        { TestPayments.Json(amount: "1e300"), "amount", ValidationCodes.OutOfRange },
        { TestPayments.Json(amount: "2000000"), "amount", ValidationCodes.OutOfRange },
        { TestPayments.Json(amount: "\"12.50\""), "amount", ValidationCodes.InvalidType },
        { TestPayments.Json(amount: "\"NaN\""), "amount", ValidationCodes.InvalidType },
        { TestPayments.Json(amount: "null"), "amount", ValidationCodes.InvalidType },
        { TestPayments.Json(currency: "\"XYZ\""), "currency", ValidationCodes.UnknownCurrency },
        { TestPayments.Json(currency: "\"eur\""), "currency", ValidationCodes.UnknownCurrency },
        { TestPayments.Json(currency: "\"EURO\""), "currency", ValidationCodes.TooLong },
        { TestPayments.Json(currency: "978"), "currency", ValidationCodes.InvalidType },
        { TestPayments.Json(pan: "\"4111111111111112\""), "pan", ValidationCodes.LuhnCheckFailed },
        { TestPayments.Json(pan: "\"4111-1111-1111-1111\""), "pan", ValidationCodes.InvalidFormat },
        { TestPayments.Json(pan: "\"41111\""), "pan", ValidationCodes.InvalidFormat },
        { TestPayments.Json(pan: "4111111111111111"), "pan", ValidationCodes.InvalidType },
        { TestPayments.Json(cardToken: "\"tok_abcdefgh\""), "pan", ValidationCodes.CardAmbiguous },
        { TestPayments.Json(pan: null), "pan|cardToken", ValidationCodes.Required },
        { TestPayments.Json(pan: null, cardToken: "\"4111111111111111\""), "cardToken", ValidationCodes.CardDataMisplaced },
        { TestPayments.Json(pan: null, cardToken: "\"4111-1111-1111-1111\""), "cardToken", ValidationCodes.CardDataMisplaced },
        { TestPayments.Json(pan: null, cardToken: "\"411111111111\""), "cardToken", ValidationCodes.CardDataMisplaced },
        { TestPayments.Json(merchantId: "\"4111 1111 1111 1111\""), "merchantId", ValidationCodes.CardDataMisplaced },
        { TestPayments.Json(transactionId: "T-4111111111111111"), "transactionId", ValidationCodes.CardDataMisplaced },
        { TestPayments.Json(merchantId: "\"M\\uDC00\""), "merchantId", ValidationCodes.InvalidFormat },
        { TestPayments.Json(pan: null, cardToken: "\"short\""), "cardToken", ValidationCodes.InvalidFormat },
        { TestPayments.Json(mcc: "\"54111\""), "mcc", ValidationCodes.TooLong },
        { TestPayments.Json(mcc: "\"54a1\""), "mcc", ValidationCodes.InvalidFormat },
        { TestPayments.Json(mcc: "5411"), "mcc", ValidationCodes.InvalidType },
        { TestPayments.Json(channel: "\"atm\""), "channel", ValidationCodes.InvalidFormat },
        { TestPayments.Json(merchantId: "\"\""), "merchantId", ValidationCodes.InvalidFormat },
        { TestPayments.Json(merchantId: "\"" + new string('m', 65) + "\""), "merchantId", ValidationCodes.TooLong },
        { TestPayments.Json(location: "{\"lat\":91,\"lon\":0}"), "location", ValidationCodes.OutOfRange },
        { TestPayments.Json(location: "{\"lat\":10}"), "location", ValidationCodes.InvalidType },
        { TestPayments.Json(location: "[1,2]"), "location", ValidationCodes.InvalidType },
        { TestPayments.Json(location: null).TrimEnd('}') + ",\"amount\":1}", "amount", ValidationCodes.DuplicateField },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void Parse_InvalidField_IsRejectedNamingFieldAndCode(string json, string field, string code)
    {
        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }

    [Fact]
    public void Parse_RejectionOfValidTransactionId_StillNamesIt()
    {
        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json(transactionId: "tx-9", amount: "0")));

        Assert.Equal("tx-9", result.TransactionId);
    }

    [Fact]
    public void Parse_ErrorMessages_NeverRepeatTheCardNumber()
    {
        var payloads = new[]
        {
            TestPayments.Json(pan: "\"4111111111111112\""),
            TestPayments.Json(pan: "4111111111111111"),
            TestPayments.Json(pan: null, cardToken: "\"4111111111111111\""),
            TestPayments.Json(transactionId: "4111111111111111", amount: "-1"),
        };

        foreach (var json in payloads)
        {
            var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(json));
            Assert.All(result.Errors, e => Assert.DoesNotContain("41111111", e.Message, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Parse_OversizePayload_IsRejectedBeforeParsing()
    {
        var options = new ValidationOptions { MaxPayloadBytes = 512 };
        var json = TestPayments.Json(merchantId: "\"" + new string('m', 600) + "\"");

        var result = TestPayments.Parser(options).Parse(TestPayments.Topic, TestPayments.Bytes(json));

        var error = Assert.Single(result.Errors);
        Assert.Equal(ValidationCodes.PayloadTooLarge, error.Code);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRejected()
    {
        byte[] payload = [(byte)'{', 0xC3, 0x28, (byte)'}'];

        var result = TestPayments.Parser().Parse(TestPayments.Topic, payload);

        Assert.Equal(ValidationCodes.InvalidUtf8, Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData("pos/store-1/payments")]
    [InlineData("pos/store 1/t1/payments")]
    [InlineData("other/store-1/t1/payments")]
    [InlineData("pos/store-1/t1/payments/extra")]
    [InlineData("pos/store-1/t1/refunds")]
    public void Parse_TopicOutsideTheContract_IsRejected(string topic)
    {
        var result = TestPayments.Parser().Parse(topic, TestPayments.Bytes(TestPayments.Json()));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Code == ValidationCodes.InvalidTopic);
    }

    [Fact]
    public void Parse_EventTooOld_IsRejectedOnlyWhenAMaximumAgeIsSet()
    {
        var json = TestPayments.Bytes(TestPayments.Json(timestamp: "2026-11-01T00:00:00Z"));

        Assert.True(TestPayments.Parser().Parse(TestPayments.Topic, json).IsValid);
        var strict = TestPayments.Parser(new ValidationOptions { MaxEventAge = TimeSpan.FromDays(7) });
        Assert.Equal(ValidationCodes.TimestampTooOld, Assert.Single(strict.Parse(TestPayments.Topic, json).Errors).Code);
    }

    [Fact]
    public void Parse_EscapedPanDigits_AreTokenizedLikePlainOnes()
    {
        var escaped = TestPayments.Json(pan: "\"\\u0034111111111111111\"");

        var result = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(escaped));
        var plain = TestPayments.Parser().Parse(TestPayments.Topic, TestPayments.Bytes(TestPayments.Json()));

        Assert.Equal(plain.Event!.CardToken, result.Event!.CardToken);
    }
}
