using System.Text.Json;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Pipeline;

public sealed class AnswerWriterTests
{
    [Fact]
    public void Scored_HasTheContractFields()
    {
        using var writer = new AnswerWriter();
        writer.Begin();
        var range = writer.Scored("tx-7", Decision.Approve, 0.1234567, null, new ModelIdentity("m", "2.0"), [], 1.23456);
        var json = JsonDocument.Parse(writer.Seal().AsMemory(range)).RootElement;

        Assert.Equal("tx-7", json.GetProperty("transactionId").GetString());
        Assert.Equal("scored", json.GetProperty("status").GetString());
        Assert.Equal("approve", json.GetProperty("decision").GetString());
        Assert.Equal(0.123457, json.GetProperty("score").GetDouble());
        Assert.Equal("2.0", json.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(1.235, json.GetProperty("latencyMs").GetDouble());
    }

    [Fact]
    public void Rejected_ListsErrorsAndHasNullIdWhenUnknown()
    {
        using var writer = new AnswerWriter();
        writer.Begin();
        var range = writer.Rejected(null, [new ValidationError("amount", "out_of_range", "amount is greater than zero")], 0.5);
        var json = JsonDocument.Parse(writer.Seal().AsMemory(range)).RootElement;

        Assert.Equal(JsonValueKind.Null, json.GetProperty("transactionId").ValueKind);
        Assert.Equal("rejected", json.GetProperty("status").GetString());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal("amount", error.GetProperty("field").GetString());
        Assert.False(json.TryGetProperty("decision", out _));
    }

    [Fact]
    public void ABatchOfAnswers_LandsInOneArray_EachAWholeDocument()
    {
        using var writer = new AnswerWriter();
        writer.Begin();
        var ranges = Enumerable.Range(0, 100)
            .Select(i => i % 2 == 0
                ? writer.Scored("tx-" + i, Decision.Review, null, FallbackReasons.ModelOutputInvalid, null, [], i)
                : writer.Rejected("tx-" + i, [new ValidationError("$", "invalid_json", "x")], i))
            .ToList();
        var arena = writer.Seal();

        for (var i = 0; i < ranges.Count; i++)
        {
            var json = JsonDocument.Parse(arena.AsMemory(ranges[i])).RootElement;
            Assert.Equal("tx-" + i, json.GetProperty("transactionId").GetString());
        }

        var fallback = JsonDocument.Parse(arena.AsMemory(ranges[0])).RootElement;
        Assert.Equal("model_output_invalid", fallback.GetProperty("reason").GetString());

        // The next batch starts afresh and does not disturb the sealed one.
        writer.Begin();
        var next = writer.Scored("next", Decision.Approve, 0.1, null, null, [], 0);
        Assert.Equal("next", JsonDocument.Parse(writer.Seal().AsMemory(next)).RootElement.GetProperty("transactionId").GetString());
        Assert.Equal("tx-1", JsonDocument.Parse(arena.AsMemory(ranges[1])).RootElement.GetProperty("transactionId").GetString());
    }

    [Fact]
    public void Alert_CarriesItsReasons_WithTheFeatureValues()
    {
        using var writer = new AnswerWriter();
        writer.Begin();
        Reason[] reasons = [new("amount_far_above_card_usual", "amount_to_card_mean_7d", 8.23456f, 1.9f), new("night_ecommerce", "is_night", 1, 0.4f)];
        var range = writer.Scored("tx-8", Decision.Decline, 0.97, null, new ModelIdentity("m", "2.0"), reasons, 1);
        var json = JsonDocument.Parse(writer.Seal().AsMemory(range)).RootElement;

        var written = json.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Equal(2, written.Count);
        Assert.Equal("amount_far_above_card_usual", written[0].GetProperty("code").GetString());
        Assert.Equal("amount_to_card_mean_7d", written[0].GetProperty("feature").GetString());
        Assert.Equal(8.2346, written[0].GetProperty("value").GetDouble(), 4);
        Assert.False(written[0].TryGetProperty("contribution", out _));
    }
}
