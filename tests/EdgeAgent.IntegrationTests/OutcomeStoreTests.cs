using System.Diagnostics;
using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Storage;

namespace EdgeAgent.IntegrationTests;

/// <summary>The LiteDB record on a real file: the log read in order, the replay journal, retention.</summary>
public sealed class OutcomeStoreTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private LiteDbOutcomeStore Open() => new(new StorageOptions { Path = _data.Path });

    private static InboundMessage Message(DateTimeOffset? receivedAt = null) => new()
    {
        Topic = "pos/s1/t1/payments",
        Payload = [],
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
        Answer = new AnswerSlot(Encoding.UTF8.GetBytes("{\"answer\":" + sequence + "}")),
    };

    private static Outcome Rejected(long sequence) => new()
    {
        Message = Message(),
        Kind = OutcomeKind.Rejected,
        Key = "dl-" + sequence,
        Sequence = sequence,
        Errors = [new ValidationError("amount", ValidationCodes.OutOfRange, "amount is greater than zero")],
        RedactedPayload = "{}"u8.ToArray(),
        Answer = new AnswerSlot("{}"u8.ToArray()),
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
        store.Commit([new OutcomeBatch(first, [Update(first[0]), Update(first[2])], null, [])]);
        store.Commit([new OutcomeBatch(second, [Update(second[0]), Update(second[1])], null, [])]);

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
            extractor.ComputeAndApply(a.Event!, new float[FeatureSchema.Count]);
            store.Commit([new OutcomeBatch([a], [Update(a)], state.TakeChanges(), [])]);
            var b = Scored(2);
            store.Commit([new OutcomeBatch([b], [Update(b)], null, [])]);
        }

        using var reopened = Open();
        var stored = reopened.LoadState(100);
        Assert.Single(stored.Cards.Single().Recent);
        Assert.Equal(Update(Scored(2)), stored.Journal.Single());
        Assert.Equal(2, reopened.LastSequence);
    }

    [Fact]
    public void DeleteUpTo_NeverRemovesTheJournalAfterTheLastSnapshot()
    {
        using var store = Open();
        var one = Scored(1);
        store.Commit([new OutcomeBatch([one], [Update(one)], FeatureStateChanges.None, [])]);
        var two = Scored(2);
        store.Commit([new OutcomeBatch([two, Rejected(3)], [Update(two)], null, [])]);

        var removed = store.DeleteUpTo(3);

        Assert.Equal(2, removed); // outcome 1 (covered by the snapshot) and rejection 3; outcome 2 is journal
        Assert.Equal([2], store.ReadAfter(0, 10).Select(o => o.Sequence));
    }

    [Fact]
    public void RetentionWithoutCloud_DeletesWhatIsOlderThanTheCutoff_AndKeepsTheRest()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        var old = new[] { Scored(1, receivedAt: now.AddDays(-10)), Scored(2, receivedAt: now.AddDays(-9)) };
        var recent = Scored(3, receivedAt: now.AddHours(-1));
        store.Commit([new OutcomeBatch(old, [Update(old[0]), Update(old[1])], null, [])]);
        store.Commit([new OutcomeBatch([recent], [Update(recent)], FeatureStateChanges.None, [])]);
        var retention = new Hosting.RecordRetentionService(
            store,
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = _data.Path, RetentionHours = 168 }),
            Microsoft.Extensions.Options.Options.Create(new PipelineOptions()),
            Microsoft.Extensions.Options.Options.Create(new Cloud.CloudOptions()),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Hosting.RecordRetentionService>.Instance);

        var removed = retention.DeleteOlderThan(now.AddDays(-7));

        Assert.Equal(2, removed);
        Assert.Equal([3], store.ReadAfter(0, 10).Select(o => o.Sequence));
        Assert.Equal(0, retention.DeleteOlderThan(now.AddDays(-7)));
    }
}
