using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// One durable commit of the LiteDB record (a real file in a temporary folder, flushed to the device) with
/// <see cref="Payments"/> scored payments, handed over as one scoring batch or as that many batches of one; either way the
/// group is one document. Divide by <see cref="Payments"/> for the cost per payment. <see cref="JournalAppend"/> is what
/// the scoring loop pays per batch to write its answers ahead of the commit.
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private string _folder = "";
    private LiteDbOutcomeStore _store = null!;
    private MappedAnswerJournal _journal = null!;
    private long _sequence;

    [Params(1, 8, 64)]
    public int Payments { get; set; }

    [Params(true, false)]
    public bool OneDocument { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("edgeagent-bench-").FullName;
        var options = new StorageOptions { Path = _folder };
        _store = new LiteDbOutcomeStore(new LiteDbFile(options, NullLogger.Instance, TimeProvider.System));
        _journal = new MappedAnswerJournal(options.AnswerJournalFile, 16);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _journal.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public long Commit()
    {
        var outcomes = new Outcome[Payments];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Scored(++_sequence);
        }

        IReadOnlyList<ScoredBatch> batches = OneDocument
            ? [new ScoredBatch(outcomes)]
            : [.. outcomes.Select(o => new ScoredBatch([o]))];
        _store.Commit(batches);
        return _store.LastSequence;
    }

    [Benchmark]
    public long JournalAppend()
    {
        var outcomes = new Outcome[Payments];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Scored(++_sequence);
        }

        _journal.Append(new ScoredBatch(outcomes));
        _journal.Committed(_sequence);
        return _sequence;
    }

    internal static Outcome Scored(long sequence) => new()
    {
        Message = new InboundMessage
        {
            Topic = "pos/store-1/t1/payments",
            Payload = Memory<byte>.Empty,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
            ReceivedAt = DateTimeOffset.UtcNow,
            Settlement = null!,
        },
        Kind = OutcomeKind.Scored,
        Key = "store-1/t1/tx-" + sequence,
        Sequence = sequence,
        TransactionId = "tx-" + sequence,
        Event = new PaymentEvent
        {
            TransactionId = "tx-" + sequence,
            StoreId = "store-1",
            TerminalId = "t1",
            Timestamp = DateTimeOffset.UtcNow,
            Amount = 42.5m,
            Currency = "EUR",
            CardToken = "k1.AbCdEfGhIjKlMnOpQrStUvWx",
            Mcc = "5411",
            Channel = PaymentChannel.Pos,
            MerchantId = "m-1",
            Location = new GeoPoint(48.85, 2.35),
        },
        Features = new float[FeatureSchema.Count],
        Score = 0.0123,
        Decision = Decision.Approve,
        Model = new ModelIdentity("fraud-gbt", "1.0.0"),
        LatencyMs = 0.42,
        Answer = new byte[180],
    };
}
