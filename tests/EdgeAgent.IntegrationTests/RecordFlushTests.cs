using System.Diagnostics;
using System.Text;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// A flush of the record that fails (<c>fdatasync</c> returns EIO) on a real LiteDB file: the commit reports the store
/// unavailable, and its retry writes the same group again under the same id and flushes that: one document per group,
/// every outcome once, nothing lost.
/// </summary>
public sealed class RecordFlushTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private int _flushes;
    private int _failAt;

    public void Dispose() => _data.Dispose();

    private StorageOptions Options => new() { Path = _data.Path };

    private LiteDbFile OpenFile() => new(Options, NullLogger.Instance, TimeProvider.System,
        () => Interlocked.Increment(ref _flushes) == _failAt ? new IOException("fdatasync failed: errno 5", 5) : null);

    private static Outcome Refusal(long sequence) => new()
    {
        Message = new InboundMessage
        {
            Topic = "pos/s1/t1/payments",
            Payload = Memory<byte>.Empty,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
            ReceivedAt = DateTimeOffset.UtcNow,
            Settlement = null!,
        },
        Kind = OutcomeKind.Rejected,
        Sequence = sequence,
        TransactionId = "tx-" + sequence,
        Errors = [new ValidationError("amount", ValidationCodes.OutOfRange, "amount is greater than zero")],
        DeadLetter = "{}"u8.ToArray(),
        Answer = Encoding.UTF8.GetBytes("{\"answer\":" + sequence + "}"),
    };

    [Fact]
    public void AFailedFlush_TheRetryRewritesTheSameGroup_NeverASecondDocument()
    {
        var file = OpenFile();
        using (var store = new LiteDbOutcomeStore(file))
        {
            store.Commit([new ScoredBatch([Refusal(1), Refusal(2)])]);
            _failAt = _flushes + 1;
            var group = new[] { new ScoredBatch([Refusal(3)]), new ScoredBatch([Refusal(4), Refusal(5)]) };

            var failure = Assert.Throws<StoreUnavailableException>(() => store.Commit(group));
            Assert.False(failure.DeviceFull);
            Assert.Equal(2, store.LastSequence);

            store.Commit(group);
            Assert.Equal(5, store.LastSequence);
            Assert.Equal([1L, 3L], file.Read(db => db.GetCollection("log").FindAll().Select(d => d["_id"].AsInt64).Order().ToList()));

            store.Commit([new ScoredBatch([Refusal(6)])]);
        }

        using var reopened = new LiteDbOutcomeStore(OpenFile());
        Assert.Equal(Enumerable.Range(1, 6).Select(s => (long)s), reopened.ReadAfter(0, 100).Select(o => o.Sequence));
        Assert.Equal(6, reopened.LastSequence);
    }
}
