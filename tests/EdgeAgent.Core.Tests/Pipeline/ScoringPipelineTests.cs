using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tests.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Core.Tests.Pipeline;

public sealed class ScoringPipelineTests
{
    private readonly List<string> _events = [];
    private readonly MemoryStore _store;
    private readonly AmountScorer _scorer = new();
    private readonly PipelineMetrics _metrics = new();
    private readonly PipelineCounts _counts;
    private readonly RecordingPublisher _publisher;

    public ScoringPipelineTests()
    {
        _counts = new PipelineCounts(_metrics.Meter);
        _store = new MemoryStore(_events);
        _publisher = new RecordingPublisher(_events);
    }

    private ScoringPipeline CreatePipeline(DecisionOptions? decisions = null, PipelineOptions? options = null, IPoisonLedger? ledger = null, IScorer? scorer = null, TimeProvider? time = null, IAnswerJournal? journal = null) => new(
        new PipelineParts
        {
            Parser = TestPayments.Parser(),
            Scorers = new SingleScorer(scorer ?? _scorer),
            Store = _store,
            Publisher = _publisher,
            Ledger = ledger,
            Journal = journal,
            Options = options ?? new PipelineOptions(),
            Validation = new Core.Payments.ValidationOptions(),
            Decisions = new DecisionPolicy(decisions ?? new DecisionOptions()),
            Metrics = _metrics,
            Time = time ?? TimeProvider.System,
            Logger = NullLogger.Instance,
        },
        NullLoggerFactory.Instance);

    private async Task RunAsync(params InboundMessage[] messages) => await RunAsync(CreatePipeline(), messages);

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

    private static JsonElement Json(byte[] payload) => JsonDocument.Parse(payload).RootElement;

    [Fact]
    public async Task Answer_IsInTheJournalBeforeItIsPublished()
    {
        // A crash between the two must find the answer the terminal has in the journal, or its redelivery is answered anew.
        var pipeline = CreatePipeline(journal: new RecordingJournal(_events));

        await RunAsync(pipeline, Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1"));

        var journal = _events.IndexOf("journal tx-1");
        var answer = _events.FindIndex(e => e.StartsWith("answer ", StringComparison.Ordinal));
        Assert.InRange(journal, 0, answer - 1);
    }

    [Fact]
    public async Task LatencyMs_IsFromReceiptToAnswer_OnThePipelinesClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var message = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1", receivedTimestamp: time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(7.25)); // received, then waited in the broker's socket before the agent got to it

        await RunAsync(CreatePipeline(time: time), message);

        var answer = Json(Assert.Single(_publisher.Published).Payload);
        Assert.Equal(7.25, answer.GetProperty("latencyMs").GetDouble());
    }

    [Fact]
    public async Task ValidPayment_IsAnsweredOnItsResponseTopicThenRecordedThenAcknowledged()
    {
        var message = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1", amount: "600"), "tx-1", correlation: [1, 2, 3]);

        await RunAsync(message);

        Assert.Equal(["answer pos/store-1/t1/responses/r1", "commit tx-1", "ack tx-1"], _events);
        var (topic, correlation, payload) = Assert.Single(_publisher.Published);
        Assert.Equal("pos/store-1/t1/responses/r1", topic);
        Assert.Equal([1, 2, 3], correlation);
        var answer = Json(payload);
        Assert.Equal("tx-1", answer.GetProperty("transactionId").GetString());
        Assert.Equal("scored", answer.GetProperty("status").GetString());
        Assert.Equal("review", answer.GetProperty("decision").GetString());
        Assert.Equal(0.6, answer.GetProperty("score").GetDouble(), 5);
        Assert.Equal("amount-rule", answer.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(payload, _store.Answers["store-1/t1/tx-1"]);
        Assert.Equal(1, _counts.Scored);
        Assert.Equal(1, _counts.Acknowledged);
    }

    [Fact]
    public async Task Payload_IsWipedOnceParsed()
    {
        var message = Messages.Create(_events, TestPayments.Json(), "tx-1");

        await RunAsync(message);

        Assert.All(message.Payload.ToArray(), b => Assert.Equal(0, b));
        Assert.DoesNotContain(TestPayments.Pan, Encoding.UTF8.GetString(_store.Scored[0].Answer.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutResponseTopic_TheAnswerGoesToTheTerminalsDecisionsTopic()
    {
        await RunAsync(Messages.Create(_events, TestPayments.Json(), "tx-1", responseTopic: null));

        Assert.Equal("pos/store-1/t1/decisions", Assert.Single(_publisher.Published).Topic);
    }

    [Fact]
    public async Task Duplicate_GetsTheFirstAnswerAndIsScoredOnce()
    {
        var first = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "first");
        var retry = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "retry");

        await RunAsync(first, retry);

        var answers = _publisher.Published.Select(p => p.Payload).ToList();
        Assert.Equal(2, answers.Count);
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(1, _scorer.Batches.Sum());
        Assert.Single(_store.Scored);
        Assert.Equal(1, _counts.Scored);
        Assert.Equal(1, _counts.Duplicates);
        Assert.Single(_store.Cards.Single().Value.Recent);
        Assert.True(((TestSettlement)retry.Settlement).Acknowledged);
    }

    [Fact]
    public async Task RepeatWithDifferentContent_IsRefusedAsAConflict_NotGivenTheFirstAnswer()
    {
        var first = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1", amount: "10"), "first");
        var forged = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1", amount: "999"), "forged");

        await RunAsync(first, forged);

        var answers = _publisher.Published.Select(p => Json(p.Payload)).ToList();
        Assert.Equal("scored", answers[0].GetProperty("status").GetString());
        Assert.Equal("rejected", answers[1].GetProperty("status").GetString());
        Assert.Equal("duplicate_conflict", answers[1].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(1, _scorer.Batches.Sum());
        Assert.Equal(1, _counts.DuplicateConflicts);
        Assert.True(((TestSettlement)forged.Settlement).Acknowledged);
    }

    [Fact]
    public async Task PaymentAlreadyOnRecord_IsAnsweredFromTheRecord()
    {
        var recorded = Encoding.UTF8.GetBytes("{\"transactionId\":\"tx-1\",\"status\":\"scored\",\"decision\":\"approve\",\"score\":0.01,\"latencyMs\":0.5}");
        _store.Record("store-1/t1/tx-1", recorded, fingerprint: 0);

        await RunAsync(Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "redelivered"));

        Assert.Equal(recorded, Assert.Single(_publisher.Published).Payload);
        Assert.Empty(_scorer.Batches);
        Assert.Empty(_store.Scored);
    }

    [Fact]
    public async Task InvalidPayment_IsAnsweredWithReasons_CountedAndDeadLetteredWithoutThePan()
    {
        var json = TestPayments.Json(transactionId: "tx-bad", amount: "-3", pan: "\"4111111111111112\"");

        await RunAsync(Messages.Create(_events, json, "tx-bad"));

        var answer = Json(Assert.Single(_publisher.Published).Payload);
        Assert.Equal("rejected", answer.GetProperty("status").GetString());
        Assert.Equal("tx-bad", answer.GetProperty("transactionId").GetString());
        var codes = answer.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("out_of_range", codes);
        Assert.Contains("luhn_check_failed", codes);
        var deadLetter = Assert.Single(_store.DeadLetters);
        var kept = Encoding.UTF8.GetString(deadLetter.DeadLetter!);
        Assert.DoesNotContain("4111111111111112", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("-3", kept, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"amount\"", kept, StringComparison.Ordinal);
        Assert.Equal(1, _counts.RejectionsByCode()["luhn_check_failed"]);
        Assert.Equal(1, _counts.Rejected);
        Assert.Equal(0, _counts.Scored);
    }

    [Fact]
    public async Task Acknowledgements_FollowArrivalOrderAcrossValidInvalidAndDuplicate()
    {
        var messages = new[]
        {
            Messages.Create(_events, TestPayments.Json(transactionId: "a"), "a"),
            Messages.Create(_events, "{oops", "b"),
            Messages.Create(_events, TestPayments.Json(transactionId: "a"), "c"),
            Messages.Create(_events, TestPayments.Json(transactionId: "d"), "d"),
        };

        await RunAsync(messages);

        Assert.Equal(["ack a", "ack b", "ack c", "ack d"], _events.Where(e => e.StartsWith("ack", StringComparison.Ordinal)));
        Assert.True(_events.IndexOf("ack d") > _events.IndexOf("commit d"));
    }

    [Fact]
    public async Task FailedCommit_IsRetried_AndNothingIsAcknowledgedBeforeItSucceeds()
    {
        _store.FailNextCommits = 2;

        await RunAsync(Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1"));

        Assert.Equal(["answer pos/store-1/t1/responses/r1", "commit tx-1", "ack tx-1"], _events);
        Assert.Equal(2, _counts.PersistFailures);
        Assert.Equal(1, _counts.IntakeResumes);
    }

    [Fact]
    public async Task FailedJournalFlush_PausesIntake_AndNothingIsAcknowledgedUntilAFlushSucceeds()
    {
        // The journal is the acknowledgement point: a flush the device fails (EIO) holds every acknowledgement, whatever
        // LiteDB does behind it, and pauses intake, as a failing commit does.
        var journal = new FlakyJournal(_events) { Failing = true };
        var pipeline = CreatePipeline(journal: journal, options: new PipelineOptions { RecordIntervalMilliseconds = 600_000, RecordGroupPayments = 1_000 });
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        var message = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1");
        var paused = new TaskCompletionSource();
        pipeline.Gate.Changed += reason =>
        {
            if (reason is not null)
            {
                paused.TrySetResult();
            }
        };

        await pipeline.EnqueueAsync(message, CancellationToken.None);
        await journal.Failed.WaitAsync(TimeSpan.FromSeconds(30));
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(pipeline.Gate.IsOpen);
        Assert.Equal("journal_unavailable", pipeline.Gate.PausedReason);
        Assert.Contains("answer pos/store-1/t1/responses/r1", Events());
        Assert.DoesNotContain("ack tx-1", Events());
        Assert.False(((TestSettlement)message.Settlement).Acknowledged);
        Assert.Equal(0, _counts.Acknowledged);
        Assert.True(_counts.PersistFailures > 0);

        journal.Failing = false;
        await Eventually.TrueAsync(() => ((TestSettlement)message.Settlement).Acknowledged, "acknowledged once a flush succeeds", TimeSpan.FromSeconds(30));
        Assert.True(pipeline.Gate.IsOpen);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["answer pos/store-1/t1/responses/r1", "flush", "ack tx-1", "commit tx-1"], Events());
        Assert.Equal(1, _counts.Acknowledged);
        Assert.Equal(1, _counts.IntakeResumes);
    }

    [Fact]
    public async Task WithTheJournal_PaymentsAreAcknowledgedOnItsFlush_AndLiteDbTakesThemInOneGroupBehind()
    {
        var journal = new FlakyJournal(_events);
        var pipeline = CreatePipeline(journal: journal, options: new PipelineOptions { RecordIntervalMilliseconds = 600_000, RecordGroupPayments = 3 });
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);

        for (var i = 1; i <= 3; i++)
        {
            var message = Messages.Create(_events, TestPayments.Json(transactionId: $"tx-{i}"), $"tx-{i}");
            await pipeline.EnqueueAsync(message, CancellationToken.None);
            await Eventually.TrueAsync(() => ((TestSettlement)message.Settlement).Acknowledged, $"tx-{i} acknowledged", TimeSpan.FromSeconds(30));
            if (i < 3)
            {
                // Acknowledged, and not in LiteDB: a group of three is not full, and the interval is long.
                Assert.Equal(0, _store.Commits);
                Assert.Equal(i, pipeline.UnrecordedPayments);
            }
        }

        // The backlog gives the payments back once LiteDB has them.
        await Eventually.TrueAsync(() => _store.Commits == 1 && pipeline.UnrecordedPayments == 0, "the third payment fills the group", TimeSpan.FromSeconds(30));
        Assert.Equal(3, _store.Scored.Count);
        Assert.Equal(3, journal.CommittedThrough);
        Assert.Equal(3, _counts.JournalFlushes);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, _store.Scored.Count);
        Assert.Equal(3, _counts.Acknowledged);
    }

    [Fact]
    public async Task CommitWindow_IsCountedFromTheAnswer_SoAPaymentThatWaitedThroughASlowFlushIsNotDelayedAgain()
    {
        // The clock moves only when the test moves it: a wait for the window that should not happen never ends.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var journal = new HeldJournal();
        var pipeline = CreatePipeline(journal: journal, time: time,
            options: new PipelineOptions { CommitDelayMilliseconds = 5, RecordIntervalMilliseconds = 600_000, RecordGroupPayments = 1_000 });
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        var first = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1", receivedTimestamp: time.GetTimestamp());
        var second = Messages.Create(_events, TestPayments.Json(transactionId: "tx-2"), "tx-2", receivedTimestamp: time.GetTimestamp());

        // The first payment's group waits out its window, then its flush stalls.
        // (The clock is moved until the flush starts: the loop may take its timer just after a move.)
        journal.Hold();
        await pipeline.EnqueueAsync(first, CancellationToken.None);
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            return journal.Flushing.IsCompleted;
        }, "the first group's flush started", TimeSpan.FromSeconds(30));

        // The second is answered during the stall, which outlasts the window; once the flush ends, the second goes to the
        // device at once: its window passed while it waited, and the clock does not move again.
        await pipeline.EnqueueAsync(second, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(6));
        journal.Release();
        await Eventually.TrueAsync(() => ((TestSettlement)second.Settlement).Acknowledged, "tx-2 acknowledged without another window", TimeSpan.FromSeconds(30));

        Assert.True(((TestSettlement)first.Settlement).Acknowledged);
        Assert.Equal(2, journal.Flushes);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _counts.Acknowledged);
    }

    [Fact]
    public async Task AStalledFlush_HoldsNoPoolWorker_AndLaterPaymentsAreAnsweredWhileTheirAcknowledgementsWait()
    {
        using var journal = new HeldJournal();
        var pipeline = CreatePipeline(journal: journal,
            options: new PipelineOptions { CommitDelayMilliseconds = 0, RecordIntervalMilliseconds = 600_000, RecordGroupPayments = 1_000 });
        pipeline.Restore();

        // Run as the host runs it: started on the pool, with no synchronization context (the test runner's would carry the
        // loop's continuations onto its own threads).
        var run = Task.Run(() => pipeline.RunAsync(CancellationToken.None));
        var messages = Enumerable.Range(1, 6).Select(i => Messages.Create(_events, TestPayments.Json(transactionId: "tx-" + i), "tx-" + i)).ToArray();

        // The first payment's flush stalls (the device's fdatasync), and stays stalled while five more come.
        journal.Hold();
        await pipeline.EnqueueAsync(messages[0], CancellationToken.None);
        await journal.Flushing.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var message in messages[1..])
        {
            await pipeline.EnqueueAsync(message, CancellationToken.None);
        }

        await Eventually.TrueAsync(() => _publisher.Published.Count == 6, "all six answered during the stall", TimeSpan.FromSeconds(30));
        Assert.All(messages, m => Assert.False(((TestSettlement)m.Settlement).Acknowledged));
        Assert.False(journal.FlushedOnPoolThread, "the stalled flush holds a thread-pool worker");

        journal.Release();
        await Eventually.TrueAsync(() => messages.All(m => ((TestSettlement)m.Settlement).Acknowledged), "all six acknowledged once the flush ends", TimeSpan.FromSeconds(30));
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(journal.FlushedOnPoolThread);
    }

    [Fact]
    public async Task AStalledLiteDbCommit_HoldsNoPoolWorker_AndLaterPaymentsAreAnsweredAndAcknowledgedMeanwhile()
    {
        var pipeline = CreatePipeline(journal: new FlakyJournal(_events), options: new PipelineOptions { RecordIntervalMilliseconds = 1, RecordGroupPayments = 1 });
        pipeline.Restore();
        var run = Task.Run(() => pipeline.RunAsync(CancellationToken.None)); // on the pool, as the host starts it
        var messages = Enumerable.Range(1, 6).Select(i => Messages.Create(_events, TestPayments.Json(transactionId: "tx-" + i), "tx-" + i)).ToArray();

        // LiteDB's device stalls from the first commit on; the journal's flush does not, so acknowledgements go on.
        _store.Device.Reset();
        foreach (var message in messages)
        {
            await pipeline.EnqueueAsync(message, CancellationToken.None);
        }

        await Eventually.TrueAsync(() => messages.All(m => ((TestSettlement)m.Settlement).Acknowledged), "all six answered and acknowledged while LiteDB's commit is stalled", TimeSpan.FromSeconds(30));
        Assert.Equal(6, _publisher.Published.Count);
        Assert.Empty(_store.Scored);
        Assert.False(_store.CommittedOnPoolThread, "the stalled LiteDB commit holds a thread-pool worker");

        _store.Device.Set();
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(6, _store.Scored.Count);
        Assert.False(_store.CommittedOnPoolThread);
    }

    [Fact]
    public async Task WithTheJournal_AnAcknowledgedPayment_GoesIntoLiteDbWithinTheInterval_WithoutMoreTraffic()
    {
        var pipeline = CreatePipeline(journal: new FlakyJournal(_events), options: new PipelineOptions { RecordIntervalMilliseconds = 50, RecordGroupPayments = 1_000 });
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        var message = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1");

        await pipeline.EnqueueAsync(message, CancellationToken.None);

        // One payment, far from a full group: the interval alone brings it into LiteDB, while the pipeline runs on.
        await Eventually.TrueAsync(() => _store.Scored.Count == 1 && pipeline.UnrecordedPayments == 0, "in LiteDB within the interval", TimeSpan.FromSeconds(30));
        Assert.True(((TestSettlement)message.Settlement).Acknowledged);
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WithTheJournal_AGracefulStop_PutsEverythingAcknowledgedIntoLiteDb()
    {
        var pipeline = CreatePipeline(journal: new FlakyJournal(_events), options: new PipelineOptions { RecordIntervalMilliseconds = 600_000, RecordGroupPayments = 1_000 });

        await RunAsync(pipeline,
            Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1"),
            Messages.Create(_events, TestPayments.Json(transactionId: "tx-2"), "tx-2"));

        Assert.Equal(2, _store.Scored.Count);
        Assert.Equal(2, _counts.Acknowledged);
        Assert.Equal(0, pipeline.UnrecordedPayments);
    }

    [Fact]
    public async Task AJournalFullOfEntriesNotYetInLiteDb_MakesScoringWait_NeverDropsOrFails()
    {
        // Two batches fill the ring; LiteDB's device holds its commit, so nothing is released until it lets go.
        var journal = new RingJournal(capacity: 2);
        var pipeline = CreatePipeline(journal: journal, options: new PipelineOptions { RecordGroupPayments = 1 });
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);
        _store.Device.Reset();
        var messages = Enumerable.Range(1, 3).Select(i => Messages.Create(_events, TestPayments.Json(transactionId: $"tx-{i}"), $"tx-{i}")).ToArray();

        foreach (var message in messages[..2])
        {
            await pipeline.EnqueueAsync(message, CancellationToken.None);
            await Eventually.TrueAsync(() => ((TestSettlement)message.Settlement).Acknowledged, "acknowledged on the journal's flush", TimeSpan.FromSeconds(30));
        }

        // The receiving thread runs the scoring loop when it is idle: it is the one that waits, and intake with it.
        var third = Task.Run(async () => await pipeline.EnqueueAsync(messages[2], CancellationToken.None));
        await Eventually.TrueAsync(() => _counts.JournalWaits == 1, "scoring waits for room in the journal", TimeSpan.FromSeconds(30));
        Assert.Equal(2, _publisher.Published.Count);
        Assert.Equal(2, _counts.Acknowledged);
        Assert.Empty(_store.Scored);

        _store.Device.Set();
        await third.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => ((TestSettlement)messages[2].Settlement).Acknowledged, "the third is answered and acknowledged once LiteDB caught up", TimeSpan.FromSeconds(30));
        await pipeline.CompleteAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(journal.Refused > 0);
        Assert.Equal(3, _publisher.Published.Count);
        Assert.Equal(3, _counts.Acknowledged);
        Assert.Equal(["tx-1", "tx-2", "tx-3"], _store.Scored.Select(o => o.TransactionId));
    }

    private List<string> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    [Fact]
    public async Task ModelFailure_AnswersWithTheFallbackDecisionAndNoScore()
    {
        _scorer.Fail = true;

        await RunAsync(Messages.Create(_events, TestPayments.Json(), "tx-1"));

        var answer = Json(Assert.Single(_publisher.Published).Payload);
        Assert.Equal("review", answer.GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("score").ValueKind);
        Assert.Equal("model_unavailable", answer.GetProperty("reason").GetString());
        Assert.Equal(1, _counts.ModelErrors);
    }

    [Fact]
    public async Task Burst_IsScoredInBatchesNoLargerThanTheModelTakes()
    {
        var messages = Enumerable.Range(0, 50)
            .Select(i => Messages.Create(_events, TestPayments.Json(transactionId: "tx-" + i), "tx-" + i)).ToArray();

        await RunAsync(messages);

        Assert.Equal(50, _scorer.Batches.Sum());
        Assert.All(_scorer.Batches, rows => Assert.InRange(rows, 1, _scorer.MaxBatchSize));
        Assert.Equal(50, _publisher.Published.Count);
        Assert.Equal(50, _counts.Acknowledged);
    }

    [Fact]
    public async Task Cancellation_WhileTheRecordLoopWaitsForWork_StopsIt_AfterRecordingWhatCameBefore()
    {
        // The record loop waits for batches without the token; the cancellation must still reach it while it waits.
        var pipeline = CreatePipeline();
        pipeline.Restore();
        using var cancel = new CancellationTokenSource();
        var run = pipeline.RunAsync(cancel.Token);
        var message = Messages.Create(_events, TestPayments.Json(transactionId: "tx-1"), "tx-1");
        await pipeline.EnqueueAsync(message, CancellationToken.None);
        var settlement = (TestSettlement)message.Settlement;
        await Eventually.TrueAsync(() => settlement.Acknowledged, "the payment is recorded and acknowledged", TimeSpan.FromSeconds(30));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(_store.Scored);
        Assert.False(settlement.Abandoned);
    }

    [Fact]
    public async Task Cancellation_AbandonsWhatWasNotRecorded()
    {
        _store.FailNextCommits = int.MaxValue;
        var pipeline = CreatePipeline();
        pipeline.Restore();
        using var cancel = new CancellationTokenSource();
        var run = pipeline.RunAsync(cancel.Token);
        var paused = new TaskCompletionSource();
        pipeline.Gate.Changed += reason =>
        {
            if (reason is not null)
            {
                paused.TrySetResult();
            }
        };
        var message = Messages.Create(_events, TestPayments.Json(), "tx-1");
        await pipeline.EnqueueAsync(message, CancellationToken.None);
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(pipeline.Gate.IsOpen);
        Assert.Equal("disk_full", pipeline.Gate.PausedReason);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));

        var settlement = (TestSettlement)message.Settlement;
        Assert.True(settlement.Abandoned);
        Assert.False(settlement.Acknowledged);
        Assert.Single(_publisher.Published); // answered, but never recorded: the broker redelivers it
        Assert.Empty(_store.Scored);
    }
}
