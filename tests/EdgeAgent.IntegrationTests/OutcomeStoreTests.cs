using System.Diagnostics;
using System.Text;
using EdgeAgent.Cloud.Buffer;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.IntegrationTests;

/// <summary>The LiteDB record on a real file: the log read in order, the replay journal, retention.</summary>
public sealed class OutcomeStoreTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private StorageOptions Options => new() { Path = _data.Path };

    private LiteDbOutcomeStore Open() => new(new LiteDbFile(Options, NullLogger.Instance, TimeProvider.System));

    private static InboundMessage Message(DateTimeOffset? receivedAt = null) => new()
    {
        Topic = "pos/s1/t1/payments",
        Payload = Memory<byte>.Empty,
        ReceivedTimestamp = Stopwatch.GetTimestamp(),
        ReceivedAt = receivedAt ?? DateTimeOffset.UtcNow,
        Settlement = null!,
    };

    private static Outcome Scored(long sequence, string card = "card-a", DateTimeOffset? receivedAt = null) => new()
    {
        Message = Message(receivedAt),
        Kind = OutcomeKind.Scored,
        Key = "s1/t1/tx-" + sequence,
        Sequence = sequence,
        TransactionId = "tx-" + sequence,
        Event = new PaymentEvent
        {
            TransactionId = "tx-" + sequence,
            StoreId = "s1",
            TerminalId = "t1",
            Timestamp = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.FromHours(1)).AddMinutes(sequence),
            Amount = 10m + sequence,
            Currency = "EUR",
            CardToken = card,
            Mcc = "5411",
            Channel = PaymentChannel.Pos,
            MerchantId = "m1",
        },
        Features = new float[FeatureSchema.Count],
        Score = 0.25,
        Decision = Decision.Review,
        Model = new ModelIdentity("m", "1"),
        Fingerprint = 1000 + sequence,
        Answer = Encoding.UTF8.GetBytes("{\"answer\":" + sequence + "}"),
    };

    private static Outcome Rejected(long sequence) => new()
    {
        Message = Message(),
        Kind = OutcomeKind.Rejected,
        Sequence = sequence,
        Errors = [new ValidationError("amount", ValidationCodes.OutOfRange, "amount is greater than zero")],
        DeadLetter = "{\"bytes\":2}"u8.ToArray(),
        Answer = "{}"u8.ToArray(),
    };

    private static FeatureUpdate Update(Outcome o) => FeatureUpdate.Of(o.Event!);

    [Fact]
    public void TheLog_ReturnsScoredAndRejectedOutcomesInSequenceOrder_AcrossBatches()
    {
        using var store = Open();
        long committed = 0;
        store.Committed += s => committed = s;
        var first = new[] { Scored(1), Rejected(2), Scored(3) };
        var second = new[] { Scored(4), Scored(5) };
        store.Commit([new ScoredBatch(first)]);
        store.Commit([new ScoredBatch(second)]);

        Assert.Equal(5, committed);
        Assert.Equal(5, store.LastSequence);
        Assert.Equal([1, 2, 3, 4, 5], store.ReadAfter(0, 100).Select(o => o.Sequence));
        Assert.Equal([3, 4], store.ReadAfter(2, 2).Select(o => o.Sequence));
        var rejected = store.ReadAfter(1, 1).Single();
        Assert.Equal("rejected", rejected.Status);
        Assert.Equal("out_of_range", rejected.Errors.Single().Code);
        var scored = store.ReadAfter(0, 1).Single();
        Assert.Equal("review", scored.Decision);
        Assert.Equal(11m, scored.Amount);
        Assert.Equal(TimeSpan.FromHours(1), scored.EventTime!.Value.Offset);
        Assert.Equal("{\"answer\":3}", Encoding.UTF8.GetString(store.FindAnswer(3, "s1/t1/tx-3")!));
        Assert.Null(store.FindAnswer(3, "s1/t1/tx-4"));
    }

    [Fact]
    public void AfterReopening_TheJournalHoldsWhatCameAfterTheLastSnapshot()
    {
        using (var store = Open())
        {
            var state = new FeatureState();
            var extractor = new FeatureExtractor(state);
            var a = Scored(1);
            state.Sequence = 1;
            extractor.ComputeAndApply(a.Event!, new float[FeatureSchema.Count]);
            store.Commit([new ScoredBatch([a], state.TakeChanges())]);
            var b = Scored(2);
            store.Commit([new ScoredBatch([b])]);
        }

        using var reopened = Open();
        var stored = reopened.LoadState(100);
        Assert.Single(stored.Cards.Single().Recent);
        Assert.Equal((2L, Update(Scored(2))), stored.Journal.Single());
        Assert.Equal(1, stored.Cards.Single().Sequence);
        Assert.Equal(2, reopened.LastSequence);
    }

    [Fact]
    public void DeleteUpTo_NeverRemovesTheJournalAfterTheLastSnapshot()
    {
        using var store = Open();
        var one = Scored(1);
        store.Commit([new ScoredBatch([one], new FeatureStateChanges([], [], CoveredThrough: 1))]);
        var two = Scored(2);
        store.Commit([new ScoredBatch([two, Rejected(3)])]);

        var removed = store.DeleteUpTo(3);

        // Outcome 1 is covered by the snapshot; the group of 2 and 3 holds journal (2) and goes once a snapshot covers it.
        Assert.Equal(1, removed);
        Assert.Equal([2, 3], store.ReadAfter(0, 10).Select(o => o.Sequence));
    }

    [Fact]
    public void RetentionWithoutCloud_DeletesWhatIsOlderThanTheCutoff_AndKeepsTheRest()
    {
        var file = new LiteDbFile(Options, NullLogger.Instance, TimeProvider.System);
        using var store = new LiteDbOutcomeStore(file);
        var now = DateTimeOffset.UtcNow;
        var old = new[] { Scored(1, receivedAt: now.AddDays(-10)), Scored(2, receivedAt: now.AddDays(-9)) };
        var recent = Scored(3, receivedAt: now.AddHours(-1));
        store.Commit([new ScoredBatch(old)]);
        store.Commit([new ScoredBatch([recent], new FeatureStateChanges([], [], CoveredThrough: 3))]);
        var retention = new RecordRetention(store, new LiteDbCheckpoints(file, CloudBuffer.StateCollection), TimeSpan.FromDays(7));

        var removed = Hosting.RecordRetentionService.DeleteExpired(retention, now);

        Assert.Equal(2, removed);
        Assert.Equal([3], store.ReadAfter(0, 10).Select(o => o.Sequence));
        Assert.Equal(0, Hosting.RecordRetentionService.DeleteExpired(retention, now));
    }

    [Fact]
    public void RecentKeys_StreamNewestFirst_WithFingerprints_AndStopAtTheCutoff()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 100; i++)
        {
            var outcome = Scored(i, receivedAt: now.AddMinutes(i - 100));
            store.Commit([new ScoredBatch([outcome])]);
        }

        var keys = store.RecentKeys(now.AddMinutes(-9.5)).ToList();

        Assert.Equal(Enumerable.Range(91, 10).Reverse().Select(i => (long)i), keys.Select(k => k.Sequence));
        Assert.Equal(1100, keys[0].Fingerprint);
        Assert.Equal("s1/t1/tx-100", keys[0].Key);
    }

    [Fact]
    public void CommitRetriedAfterItWentIn_DoesNotRecordTwice()
    {
        using var store = Open();
        var batch = new ScoredBatch([Scored(1), Scored(2)]);

        store.Commit([batch]);
        store.Commit([batch]);
        store.Commit([batch, new ScoredBatch([Scored(3)])]);

        Assert.Equal([1, 2, 3], store.ReadAfter(0, 10).Select(o => o.Sequence));
    }

    [Fact]
    public void AnsweredButUncommitted_IsRecoveredFromTheJournal_WithTheSameAnswer()
    {
        var journalFile = Path.Combine(_data.Path, "answers.journal");
        using (var journal = new MappedAnswerJournal(journalFile, 1))
        using (var store = Open())
        {
            var committed = new ScoredBatch([Scored(1), Rejected(2)]);
            store.Commit([committed with { Journaled = journal.Append(committed) }]);
            journal.Committed(2);
            journal.Append(new ScoredBatch([Scored(3), Scored(4)]));
            journal.Append(new ScoredBatch([Scored(5)]));

            // The process dies here: batches 3-5 were answered, never committed.
        }

        using var reopenedJournal = new MappedAnswerJournal(journalFile, 1);
        using var reopened = Open();
        var recovered = reopened.Recover(reopenedJournal.Uncommitted(reopened.LastSequence)).Recorded;

        Assert.Equal(3, recovered);
        Assert.Equal(5, reopened.LastSequence);
        Assert.Equal([1, 2, 3, 4, 5], reopened.ReadAfter(0, 10).Select(o => o.Sequence));
        Assert.Equal("{\"answer\":4}", Encoding.UTF8.GetString(reopened.FindAnswer(4, "s1/t1/tx-4")!));
        Assert.Equal(4, reopened.LoadState(10).Journal.Count); // scored 1, 3, 4 and 5: no snapshot yet
    }


    [Fact]
    public void AJournalThatWrappedAndLeftResidentMemory_StillHoldsEveryUncommittedAnswer()
    {
        // 4 MB of ring and over 10 MB written (40,000 entries of a few hundred bytes): the write position crosses every chunk three times and each one behind it
        // leaves the process's memory; what was written there is still read back from the file.
        var journalFile = Path.Combine(_data.Path, "answers.journal");
        const int batches = 40_000;
        const int uncommitted = 2_000;
        using (var journal = new MappedAnswerJournal(journalFile, 4))
        {
            for (var sequence = 1; sequence <= batches; sequence++)
            {
                journal.Append(new ScoredBatch([Scored(sequence)]));
                if (sequence <= batches - uncommitted)
                {
                    journal.Committed(sequence);
                }
            }
        }

        using var reopened = new MappedAnswerJournal(journalFile, 4);
        var entries = reopened.Uncommitted(batches - uncommitted);

        Assert.Equal(Enumerable.Range(batches - uncommitted + 1, uncommitted).Select(s => (long)s), entries.Select(e => e.First));
    }
    [Fact]
    public void JournalEntriesAfterAGap_AreNotRecovered()
    {
        var journalFile = Path.Combine(_data.Path, "answers.journal");
        using (var journal = new MappedAnswerJournal(journalFile, 1))
        {
            journal.Append(new ScoredBatch([Scored(1)]));
            journal.Append(new ScoredBatch([Scored(3)]));
        }

        using var reopenedJournal = new MappedAnswerJournal(journalFile, 1);
        using var store = Open();

        Assert.Equal(1, store.Recover(reopenedJournal.Uncommitted(store.LastSequence)).Recorded);
        Assert.Equal([1], store.ReadAfter(0, 10).Select(o => o.Sequence));
    }

    [Fact]
    public void UnreadableDatabaseFile_IsMovedAside_AndAFreshOneStarts()
    {
        File.WriteAllBytes(Options.DatabaseFile, Enumerable.Repeat((byte)0x5A, 64 * 1024).ToArray());

        var file = new LiteDbFile(Options, NullLogger.Instance, TimeProvider.System);
        using var store = new LiteDbOutcomeStore(file);
        store.Commit([new ScoredBatch([Scored(1)])]);

        Assert.NotNull(file.KeptCopy);
        Assert.True(File.Exists(file.KeptCopy));
        Assert.Equal(64 * 1024, new FileInfo(file.KeptCopy!).Length);
        Assert.Equal([1], store.ReadAfter(0, 10).Select(o => o.Sequence));
    }

    [Fact]
    public void TruncatedDatabaseFile_IsMovedAside_WhenReadingItFails()
    {
        using (var store = Open())
        {
            for (var i = 1; i <= 400; i++)
            {
                var outcome = Scored(i, card: "card-" + i);
                var state = new FeatureState { Sequence = i };
                new FeatureExtractor(state).ComputeAndApply(outcome.Event!, new float[FeatureSchema.Count]);
                store.Commit([new ScoredBatch([outcome], state.TakeChanges())]);
            }
        }

        using (var stream = new FileStream(Options.DatabaseFile, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var file = new LiteDbFile(Options, NullLogger.Instance, TimeProvider.System);
        using var reopened = new LiteDbOutcomeStore(file);
        var state2 = reopened.LoadState(1000);
        _ = reopened.RecentKeys(DateTimeOffset.MinValue).ToList();

        Assert.NotNull(file.KeptCopy);
        Assert.Empty(state2.Cards);
        reopened.Commit([new ScoredBatch([Scored(1)])]);
        Assert.Equal([1], reopened.ReadAfter(0, 10).Select(o => o.Sequence));
    }
}
