using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Storage;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// One commit of the LiteDB record (a real file in a temporary folder) with <see cref="Payments"/> scored payments:
/// as one scoring batch (one document, as the agent writes a micro-batch) or as that many batches of one (one
/// document each, as it writes payments that arrive one at a time). Divide by <see cref="Payments"/> for the cost
/// per payment.
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private string _folder = "";
    private LiteDbOutcomeStore _store = null!;
    private long _sequence;

    [Params(1, 8, 64)]
    public int Payments { get; set; }

    [Params(true, false)]
    public bool OneDocument { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("edgeagent-bench-").FullName;
        _store = new LiteDbOutcomeStore(new StorageOptions { Path = _folder });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
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

        IReadOnlyList<OutcomeBatch> batches = OneDocument
            ? [new OutcomeBatch(outcomes)]
            : [.. outcomes.Select(o => new OutcomeBatch([o]))];
        _store.Commit(batches);
        return _store.LastSequence;
    }

    private static Outcome Scored(long sequence) => new()
    {
        Message = new InboundMessage
        {
            Topic = "pos/store-1/t1/payments",
            Payload = [],
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
        Answer = new AnswerSlot(new byte[180]),
    };
}
