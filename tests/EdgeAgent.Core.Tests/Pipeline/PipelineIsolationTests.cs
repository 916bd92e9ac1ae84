using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tests.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Core.Tests.Pipeline;

/// <summary>Whatever goes wrong with one message ends as that message's answer; the others and the loops go on.</summary>
public sealed class PipelineIsolationTests
{
    private readonly List<string> _events = [];
    private readonly MemoryStore _store;
    private readonly AmountScorer _scorer = new();
    private readonly PipelineMetrics _metrics = new();
    private readonly PipelineCounts _counts;
    private readonly RecordingPublisher _publisher;

    public PipelineIsolationTests()
    {
        _counts = new PipelineCounts(_metrics.Meter);
        _store = new MemoryStore(_events);
        _publisher = new RecordingPublisher(_events);
    }

    [Fact]
    public async Task ModelOutputThatIsNotAProbability_IsDecidedByTheFallback_NeverApproved()
    {
        await RunAsync(
            Message("nan", TestPayments.Json(transactionId: "nan", amount: "666")),
            Message("big", TestPayments.Json(transactionId: "big", amount: "777")),
            Message("ok", TestPayments.Json(transactionId: "ok", amount: "10")));

        var answers = Answers();
        foreach (var id in new[] { "nan", "big" })
        {
            Assert.Equal("review", answers[id].GetProperty("decision").GetString());
            Assert.Equal(JsonValueKind.Null, answers[id].GetProperty("score").ValueKind);
            Assert.Equal("model_output_invalid", answers[id].GetProperty("reason").GetString());
        }

        Assert.Equal("approve", answers["ok"].GetProperty("decision").GetString());
        Assert.Equal(2, _counts.ModelErrors);
        Assert.Equal(3, _store.Scored.Count);
    }

    [Fact]
    public async Task BatchTheModelFailsOn_IsScoredRowByRow()
    {
        _scorer.FailBatches = true;
        var pipeline = CreatePipeline();
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);

        // Held at the gate together, so they reach the scoring loop as one batch.
        pipeline.Gate.Close("test");
        var messages = Enumerable.Range(0, 5).Select(i => Message("tx-" + i, TestPayments.Json(transactionId: "tx-" + i))).ToArray();
        var sends = messages.Select(m => pipeline.EnqueueAsync(m, CancellationToken.None).AsTask()).ToArray();
        pipeline.Gate.Open();
        await Task.WhenAll(sends);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(Answers().Values, a => Assert.NotEqual(JsonValueKind.Null, a.GetProperty("score").ValueKind));
        Assert.All(_scorer.Batches, rows => Assert.Equal(1, rows));
        Assert.Equal(5, _scorer.Batches.Count);
    }

    [Theory]
    [InlineData("M\\uDC00")]
    [InlineData("\\uD800\\uD800")]
    public async Task LoneSurrogateEscape_IsRefused_AndTheNextPaymentIsScored(string merchant)
    {
        await RunAsync(
            Message("bad", TestPayments.Json(transactionId: "bad", merchantId: "\"" + merchant + "\"")),
            Message("good", TestPayments.Json(transactionId: "good")));

        var answers = Answers();
        Assert.Equal("rejected", answers["bad"].GetProperty("status").GetString());
        Assert.Equal("invalid_format", answers["bad"].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("scored", answers["good"].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(0, false, null, "qos_not_supported")]
    [InlineData(1, true, null, "retain_not_allowed")]
    [InlineData(1, false, "text/plain", "unsupported_content_type")]
    public async Task EnvelopeOutOfBounds_IsRefusedWithItsOwnCode(int qos, bool retain, string? contentType, string code)
    {
        var message = Messages.Create(_events, TestPayments.Json(), "m", qos: qos, retain: retain, contentType: contentType);

        await RunAsync(message);

        var answer = Json(Assert.Single(_publisher.Published).Payload);
        Assert.Equal(code, answer.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Empty(_store.Scored);
        Assert.True(((TestSettlement)message.Settlement).Acknowledged);
    }

    [Theory]
    [InlineData("pos/store-1/t1/#", "invalid_response_topic")]
    [InlineData("pos/store-1/t1/+/x", "invalid_response_topic")]
    [InlineData("$SYS/x", "invalid_response_topic")]
    [InlineData("pos/store-1/t2/responses/r1", "response_topic_not_allowed")]
    [InlineData("elsewhere/replies", "response_topic_not_allowed")]
    [InlineData("pos/store-1/t1/payments", "response_topic_not_allowed")]
    [InlineData("pos/store-1/t1/responses/", "response_topic_not_allowed")]
    [InlineData("pos/store-1/t1/other", "response_topic_not_allowed")]
    public async Task ResponseTopicThatCannotBeUsed_IsNeverPublishedTo_AndTheRefusalGoesToTheDecisionsTopic(string responseTopic, string code)
    {
        await RunAsync(Messages.Create(_events, TestPayments.Json(), "m", responseTopic: responseTopic));

        var (topic, _, payload) = Assert.Single(_publisher.Published);
        Assert.Equal("pos/store-1/t1/decisions", topic);
        Assert.Equal(code, Json(payload).GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"merchantId\":\"4111 1111 1111 1111\"}")]
    [InlineData("{\"transactionId\":\"T-4111111111111111\"}")]
    [InlineData("{\"cardToken\":\"4111-1111-1111-1111\",\"pan\":null}")]
    [InlineData("{\"note\":\"card 4111.1111.1111.1111\"}")]
    [InlineData("{\"extra\":{\"deep\":[4111111111111111]}}")]
    public async Task CardNumberOutsideThePanField_IsRefused_AndNeverComesBack(string overrides)
    {
        var json = Merge(TestPayments.Json(transactionId: "tx-9"), overrides);

        await RunAsync(Message("x", json));

        var payload = Assert.Single(_publisher.Published).Payload;
        var text = Encoding.UTF8.GetString(payload);
        Assert.Contains("card_data_misplaced", text, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", text, StringComparison.Ordinal);
        var deadLetter = Encoding.UTF8.GetString(Assert.Single(_store.DeadLetters).DeadLetter!);
        Assert.DoesNotContain("4111", deadLetter, StringComparison.Ordinal);
        Assert.Empty(_store.Scored);
    }

    [Fact]
    public async Task CardNumberInTheTopic_GetsNoAnswerAtAll()
    {
        await RunAsync(Messages.Create(_events, TestPayments.Json(), "m", topic: "pos/4111111111111111/t1/payments", responseTopic: null));

        Assert.Empty(_publisher.Published);
        Assert.Equal(1, _counts.RejectionsByCode()["card_data_misplaced"]);
    }

    [Fact]
    public async Task MessageInTooManyCrashes_IsRefusedAsPoison_AndAcknowledged()
    {
        var ledger = new MemoryLedger();
        var message = Message("p", TestPayments.Json(transactionId: "p"));
        var pipeline = CreatePipeline(ledger: ledger);
        ledger.Counts[ledger.HashOf(Message("p", TestPayments.Json(transactionId: "p")))] = 3;

        await RunAsync(pipeline, message);

        var answer = Json(_publisher.Published.Last().Payload);
        Assert.Equal("poison_message", answer.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.True(((TestSettlement)message.Settlement).Acknowledged);
        Assert.Equal(1, _counts.PoisonMessages);
    }

    [Fact]
    public async Task MessageInAnEarlierCrash_IsScoredAlone_ThenCleared()
    {
        var ledger = new MemoryLedger();
        var pipeline = CreatePipeline(ledger: ledger);
        var suspect = ledger.HashOf(Message("s", TestPayments.Json(transactionId: "s")));
        ledger.Counts[suspect] = 1;

        await RunAsync(pipeline, Message("s", TestPayments.Json(transactionId: "s")), Message("t", TestPayments.Json(transactionId: "t")));

        Assert.Contains(suspect, ledger.Cleared);
        Assert.Empty(ledger.Entered);
        Assert.Equal(2, _store.Scored.Count(o => o.TransactionId is "s" or "t"));
    }

    [Fact]
    public async Task FloodOfBadPayloads_IsAnswered_ButOnlyTheBudgetIsKept()
    {
        var options = new PipelineOptions { DeadLettersPerSecond = 0, DeadLetterBurst = 5 };
        var messages = Enumerable.Range(0, 50).Select(i => Message("bad-" + i, "{oops " + i)).ToArray();

        await RunAsync(CreatePipeline(options: options), messages);

        Assert.Equal(50, _publisher.Published.Count);
        Assert.Equal(5, _store.DeadLetters.Count);
        Assert.Equal(45, _counts.DeadLettersDropped);
        Assert.All(messages, m => Assert.True(((TestSettlement)m.Settlement).Acknowledged));
    }

    [Fact]
    public async Task OutcomeTheStoreCannotTake_IsStubbed_AndTheRestRecorded()
    {
        _store.UnrecordableTransaction = "poison";
        var pipeline = CreatePipeline();
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        pipeline.Gate.Close("test");
        var messages = new[] { "a", "poison", "b" }.Select(id => Message(id, TestPayments.Json(transactionId: id))).ToArray();
        var sends = messages.Select(m => pipeline.EnqueueAsync(m, CancellationToken.None).AsTask()).ToArray();
        pipeline.Gate.Open();
        await Task.WhenAll(sends);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], _store.Scored.Select(o => o.TransactionId).Order());
        var stub = Assert.Single(_store.DeadLetters);
        Assert.Equal("internal_error", stub.Errors[0].Code);
        Assert.All(messages, m => Assert.True(((TestSettlement)m.Settlement).Acknowledged));
    }

    [Fact]
    public async Task MessagesWaitingInTheQueue_AreNotInTheLedger_OnlyTheBatchBeingScoredIs()
    {
        var ledger = new MemoryLedger();
        var inLedgerWhileScoring = new List<int>();
        var pipeline = CreatePipeline(ledger: ledger, observer: new LedgerProbe(() =>
        {
            lock (inLedgerWhileScoring)
            {
                inLedgerWhileScoring.Add(ledger.Entered.Count);
            }
        }));
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        pipeline.Gate.Close("test");

        // Intake has parsed each of them by the time EnqueueAsync returns; they wait behind the closed gate.
        var messages = Enumerable.Range(0, 5).Select(i => Message("q" + i, TestPayments.Json(transactionId: "q" + i))).ToArray();
        var sends = messages.Select(m => pipeline.EnqueueAsync(m, CancellationToken.None).AsTask()).ToArray();
        Assert.Empty(ledger.Entered);

        // A crash now (a kill, an out-of-memory) is charged to none of them.
        ledger.Crash();
        Assert.Empty(ledger.Counts);

        pipeline.Gate.Open();
        await Task.WhenAll(sends);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(5, _store.Scored.Count);
        Assert.Equal(5, inLedgerWhileScoring.Count);
        Assert.All(inLedgerWhileScoring, entered => Assert.InRange(entered, 1, 5));
        Assert.Empty(ledger.Entered);
    }

    [Fact]
    public async Task DeviceFailureWhileIsolatingAnUnrecordableOutcome_PausesAndRetries_TheRunGoesOn()
    {
        _store.UnrecordableTransaction = "poison";
        _store.UnavailableAfterContentFailure = true;
        var pipeline = CreatePipeline();
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        pipeline.Gate.Close("test");
        var messages = new[] { "a", "poison", "b" }.Select(id => Message(id, TestPayments.Json(transactionId: id))).ToArray();
        var sends = messages.Select(m => pipeline.EnqueueAsync(m, CancellationToken.None).AsTask()).ToArray();
        pipeline.Gate.Open();
        await Task.WhenAll(sends);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], _store.Scored.Select(o => o.TransactionId).Order());
        Assert.Equal("internal_error", Assert.Single(_store.DeadLetters).Errors[0].Code);
        Assert.All(messages, m => Assert.True(((TestSettlement)m.Settlement).Acknowledged));
        Assert.Equal(1, _counts.IntakePauses.GetValueOrDefault("store_unavailable"));
        Assert.Equal(1, _counts.IntakeResumes);
    }

    private ScoringPipeline CreatePipeline(PipelineOptions? options = null, IPoisonLedger? ledger = null, IRecordingObserver? observer = null) => new(
        new PipelineParts
        {
            Parser = TestPayments.Parser(),
            Scorers = new SingleScorer(_scorer),
            Store = _store,
            Publisher = _publisher,
            Ledger = ledger,
            Options = options ?? new PipelineOptions(),
            Validation = new ValidationOptions(),
            Decisions = new DecisionPolicy(new DecisionOptions()),
            Metrics = _metrics,
            Time = TimeProvider.System,
            Logger = NullLogger.Instance,
            Observer = observer,
        },
        NullLoggerFactory.Instance);

    private Task RunAsync(params InboundMessage[] messages) => RunAsync(CreatePipeline(), messages);

    private static async Task RunAsync(ScoringPipeline pipeline, params InboundMessage[] messages)
    {
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        foreach (var message in messages)
        {
            await pipeline.EnqueueAsync(message, CancellationToken.None);
        }

        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private InboundMessage Message(string name, string json) => Messages.Create(_events, json, name);

    private Dictionary<string, JsonElement> Answers() =>
        _publisher.Published.Select(p => Json(p.Payload)).ToDictionary(a => a.GetProperty("transactionId").GetString()!);

    private static JsonElement Json(byte[] payload) => JsonDocument.Parse(payload).RootElement;

    private static string Merge(string json, string overrides)
    {
        var fields = JsonSerializerFields(json);
        foreach (var (name, value) in JsonSerializerFields(overrides))
        {
            fields[name] = value;
        }

        return "{" + string.Join(",", fields.Where(f => f.Value != "null").Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    private static Dictionary<string, string> JsonSerializerFields(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());

    private sealed class LedgerProbe(Action scoring) : IRecordingObserver
    {
        public void Scoring(string? transactionId) => scoring();

        public void Answered(ScoredBatch batch)
        {
        }

        public void Committed(IReadOnlyList<ScoredBatch> batches)
        {
        }
    }
}
