using System.Diagnostics;
using System.Text.Json;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Pipeline;

public sealed class AnswerWriterTests
{
    private static Outcome Outcome(OutcomeKind kind, IReadOnlyList<ValidationError>? errors = null) => new()
    {
        Message = Messages.Create([], "{}", "x"),
        Kind = kind,
        Key = "k",
        TransactionId = kind == OutcomeKind.Rejected ? null : "tx-7",
        Answer = new AnswerSlot(),
        Errors = errors ?? [],
        Score = 0.1234567,
        Decision = Decision.Approve,
        Model = new ModelIdentity("m", "2.0"),
        LatencyMs = 1.23456,
    };

    [Fact]
    public void Scored_HasTheContractFields()
    {
        var json = JsonDocument.Parse(AnswerWriter.Write(Outcome(OutcomeKind.Scored))).RootElement;

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
        var json = JsonDocument.Parse(AnswerWriter.Write(Outcome(OutcomeKind.Rejected, [new ValidationError("amount", "out_of_range", "amount is greater than zero")]))).RootElement;

        Assert.Equal(JsonValueKind.Null, json.GetProperty("transactionId").ValueKind);
        Assert.Equal("rejected", json.GetProperty("status").GetString());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal("amount", error.GetProperty("field").GetString());
        Assert.False(json.TryGetProperty("decision", out _));
        Assert.True(Stopwatch.Frequency > 0);
    }
}
