using System.Text;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Core.Tests.Payments;

/// <summary>
/// Ids that are tokens pass; the payment's own card number is refused wherever else it is in the message, inside a token
/// or not, and nothing that holds it is returned: not the id, not the topic, not the response topic or correlation data.
/// </summary>
public sealed class CardDataAroundThePanTests
{
    private const string Topic = TestPayments.Topic;
    private const string ResponseTopic = "pos/store-1/t1/responses/lane-3";

    [Theory]
    [InlineData("65a1f3c29b7e4d0899999999999995")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("01HZ4Y3K8Q5X5500005555555559")]
    [InlineData("5500005555555559ab")]
    public void IdsThatAreTokens_AreAccepted(string transactionId)
    {
        var result = Parse(TestPayments.Json(transactionId: transactionId));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Field + ": " + e.Code)));
        Assert.Equal(transactionId, result.TransactionId);
    }

    [Theory]
    [InlineData("ab" + TestPayments.Pan + "cd")]
    [InlineData("65a1f3c29b7e4d" + TestPayments.Pan)]
    [InlineData("x" + TestPayments.Pan)]
    public void OwnPanInsideTheId_IsRefused_AndTheIdComesBackMasked(string transactionId)
    {
        var result = Parse(TestPayments.Json(transactionId: transactionId));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("$", ValidationCodes.CardDataMisplaced), (error.Field, error.Code));
        Assert.DoesNotContain(TestPayments.Pan, result.TransactionId, StringComparison.Ordinal);
        Assert.False(result.TransactionId!.Any(char.IsAsciiDigit), result.TransactionId);
    }

    [Theory]
    [InlineData("\"note\":\"ref-x" + TestPayments.Pan + "y\"")]
    [InlineData("\"x" + TestPayments.Pan + "\":1")]
    [InlineData("\"note\":\"ab\\u0034111111111111111cd\"")]
    [InlineData("\"bin\":\"411111\",\"rest\":\"1111111111\"")]
    public void OwnPanElsewhereInThePayload_BeforeOrAfterPan_IsRefused(string field)
    {
        var after = TestPayments.Json().TrimEnd('}') + "," + field + "}";
        var before = "{" + field + "," + TestPayments.Json()[1..];

        foreach (var json in new[] { after, before })
        {
            var result = Parse(json);
            Assert.Contains(result.Errors, e => e.Code == ValidationCodes.CardDataMisplaced);
            Assert.Null(result.Event);
        }
    }

    [Fact]
    public void AnotherCardsNumberGluedInAToken_IsNotRefused()
    {
        var result = Parse(TestPayments.Json(transactionId: "ab5500005555555559cd"));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void OwnPanInTheTopic_IsRefused_AndNothingIsAnsweredUnderIt()
    {
        var result = TestPayments.Parser().Parse("pos/store-1/t" + TestPayments.Pan + "x/payments", TestPayments.Bytes(TestPayments.Json()), null, default);

        Assert.Contains(result.Errors, e => e is { Field: "topic", Code: ValidationCodes.CardDataMisplaced });
        Assert.Null(result.Address);
    }

    [Theory]
    [InlineData("pos/store-1/t1/responses/r" + TestPayments.Pan)]
    [InlineData("pos/store-1/t1/responses/" + TestPayments.Pan)]
    public void ResponseTopicHoldingACardNumber_IsRefused_AndNeverAnsweredOn(string responseTopic)
    {
        var message = Message(responseTopic, null);

        var errors = Errors(message, out var address);

        Assert.Single(errors, e => e is { Field: "$responseTopic", Code: ValidationCodes.CardDataMisplaced });
        var checks = new MessageChecks(new ValidationOptions(), "pos");
        Assert.Equal("pos/store-1/t1/decisions", checks.AnswerTopic(message, address, errors));
    }

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("req-4111-1111-1111-1111")]
    [InlineData("req4111111111111111")]
    [InlineData("5500 0055 5555 5559")]
    public void CorrelationDataHoldingACardNumber_IsRefused_AndNeverReturned(string correlation)
    {
        var message = Message(ResponseTopic, Encoding.ASCII.GetBytes(correlation));

        var errors = Errors(message, out _);

        Assert.Single(errors, e => e is { Field: "$correlationData", Code: ValidationCodes.CardDataMisplaced });
        Assert.Null(new MessageChecks(new ValidationOptions(), "pos").AnswerCorrelation(message, errors));
    }

    [Fact]
    public void CorrelationDataHoldingTheOwnPanAsPackedBcd_IsRefused()
    {
        var message = Message(ResponseTopic, Convert.FromHexString("00" + TestPayments.Pan + "FF"));

        var errors = Errors(message, out _);

        Assert.Single(errors, e => e is { Field: "$correlationData", Code: ValidationCodes.CardDataMisplaced });
    }

    [Theory]
    [InlineData("js-4242-1733490000127")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public void ClockAndUuidCorrelationDataAndResponseTopics_AreAnsweredOnAsUsual(string suffix)
    {
        var message = Message("pos/store-1/t1/responses/" + suffix, Encoding.ASCII.GetBytes(suffix));

        var errors = Errors(message, out var address);

        Assert.Empty(errors);
        var checks = new MessageChecks(new ValidationOptions(), "pos");
        Assert.Equal(message.ResponseTopic, checks.AnswerTopic(message, address, errors));
        Assert.Equal(message.CorrelationData, checks.AnswerCorrelation(message, errors));
    }

    private static PaymentParseResult Parse(string json) =>
        TestPayments.Parser().Parse(Topic, TestPayments.Bytes(json), ResponseTopic, default);

    /// <summary>The errors intake finds: the envelope's, then the parser's.</summary>
    private static List<ValidationError> Errors(InboundMessage message, out TopicAddress? address)
    {
        var parsed = TestPayments.Parser().Parse(message.Topic, message.Payload.Span, message.ResponseTopic, message.CorrelationData);
        address = parsed.Address;
        var errors = new List<ValidationError>();
        new MessageChecks(new ValidationOptions(), "pos").Check(message, address, errors);
        errors.AddRange(parsed.Errors);
        return errors;
    }

    private static InboundMessage Message(string? responseTopic, byte[]? correlation) => new()
    {
        Topic = Topic,
        Payload = TestPayments.Bytes(TestPayments.Json()),
        ResponseTopic = responseTopic,
        CorrelationData = correlation,
        ReceivedTimestamp = 0,
        ReceivedAt = TestPayments.Now,
        Settlement = new Pipeline.TestSettlement([], "m"),
    };
}
