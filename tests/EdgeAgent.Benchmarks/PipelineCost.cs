using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Onnx;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Answers;
using EdgeAgent.Storage.Files;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// What the agent's own path costs a payment, apart from the transport: the production <see cref="ScoringPipeline"/> with
/// its real parts (parser and tokenizer, the bundled GBT model on ONNX Runtime's CPU provider, the answer journal, the poison
/// ledger, the LiteDB record with its flush to the device), fed payments as a transport hands them over, with a publisher
/// that takes each answer at once and a settlement that counts acknowledgements. It counts rather than times, because the
/// machine it runs on is shared: bytes allocated per payment in the process and by owner (the receiving thread's intake,
/// scoring, answers and journal; the journal alone; the store's commit; the rest, which is the record loop), the store's
/// LiteDB transactions and flushes per payment, and with <c>--types</c> the types that take the most bytes.
/// <code>dotnet tests/EdgeAgent.Benchmarks/bin/Release/net10.0/EdgeAgent.Benchmarks.dll pipeline-cost [payments] [in flight] [options]</code>
/// In flight 1 (the default) sends the next payment once the previous one is acknowledged: one payment a batch and a commit,
/// as a till or a light load sees it. N sends N, then waits for all of them. Options: <c>--commit-delay=MS</c> sets
/// <see cref="PipelineOptions.CommitDelayMilliseconds"/> (0 by default, the embedded broker's; 2 with an external broker);
/// <c>--snapshot-seconds=S</c> sets <see cref="PipelineOptions.StateSnapshotSeconds"/> (a run shorter than it writes no
/// card or merchant snapshot); <c>--owed</c> owes every answer to its terminal in the owed-answer file, as the embedded
/// broker does (<see cref="OwedAnswerFile"/>: durable before the acknowledgement), and settles it when the next is owed, as
/// the terminal's acknowledgement of its answer would; <c>--types</c>. Otherwise the publisher takes each answer at once;
/// it and the settlement allocate nothing, so neither does the transport here: its cost is the end-to-end benchmark's.
/// </summary>
internal static class PipelineCost
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 && !args[0].StartsWith('-') ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var inFlight = args.Length > 1 && !args[1].StartsWith('-') ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var delay = args.FirstOrDefault(a => a.StartsWith("--commit-delay=", StringComparison.Ordinal)) is { } d
            ? int.Parse(d[15..], CultureInfo.InvariantCulture)
            : 0;
        var snapshotSeconds = args.FirstOrDefault(a => a.StartsWith("--snapshot-seconds=", StringComparison.Ordinal)) is { } n
            ? double.Parse(n[19..], CultureInfo.InvariantCulture)
            : new PipelineOptions().StateSnapshotSeconds;
        using var types = args.Contains("--types") ? new AllocationTypes() : null;
        var folder = Directory.CreateTempSubdirectory("edgeagent-pipeline-cost-").FullName;
        try
        {
            using var owed = args.Contains("--owed") ? OwedAnswerFile.Open(Path.Combine(folder, "owed")) : null;
            var options = new PipelineOptions { CommitDelayMilliseconds = delay, StateSnapshotSeconds = snapshotSeconds };
            return Measure(folder, count, inFlight, options, owed is null ? new TakingPublisher() : new OwingPublisher(owed), types);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Measure(string folder, int count, int inFlight, PipelineOptions options, IAnswerPublisher publisher, AllocationTypes? types)
    {
        var storage = new StorageOptions { Path = folder };
        var file = new LiteDbFile(storage, NullLogger.Instance, TimeProvider.System);
        using var store = new CountingStore(new LiteDbOutcomeStore(file));
        using var journal = new MappedAnswerJournal(storage.AnswerJournalFile, storage.AnswerJournalMegabytes);
        var counted = new CountingJournal(journal);
        using var ledger = new MappedPoisonLedger(storage.PoisonLedgerFile, TimeProvider.System);
        var inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, MaxBatchSize = 64, RequireSignedModels = false };
        using var scorers = new ModelHolder(ModelLoader.Load(ModelLoader.ResolveModelsPath("models"), inference.Model, inference));
        var parser = new PaymentParser(new CardTokenizer(new byte[32], "k1"), new ValidationOptions(), "pos", TimeProvider.System);
        using var settlement = new CountingSettlement();
        var metrics = new PipelineMetrics();
        using var pipeline = new ScoringPipeline(
            new PipelineParts
            {
                Parser = parser,
                Scorers = scorers,
                Store = store,
                Publisher = publisher,
                Journal = counted,
                Ledger = ledger,
                Options = options,
                Validation = new ValidationOptions(),
                Decisions = new DecisionPolicy(new DecisionOptions()),
                Metrics = metrics,
                Time = TimeProvider.System,
                Logger = NullLogger.Instance,
            },
            NullLoggerFactory.Instance);
        pipeline.Restore();
        var run = pipeline.RunAsync(CancellationToken.None);

        // Messages made before the count starts, so that what is counted is the pipeline's (a transport hands over the very
        // buffer it received, and the pipeline wipes it).
        var warmup = Math.Max(2_000, count / 5);
        var messages = Messages(warmup + count, settlement);
        Send(pipeline, messages, 0, warmup, inFlight, settlement);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (transactionsBefore, flushesBefore, journalFlushesBefore) = (file.Writes, file.Flushes, counted.Flushes);
        var allJournalFlushesBefore = counted.AllFlushes;
        var (storeBefore, journalBefore) = (store.Allocated, counted.Allocated);
        var threadBefore = GC.GetAllocatedBytesForCurrentThread();
        var processBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gen0Before = GC.CollectionCount(0);
        types?.Listening = true;
        Send(pipeline, messages, warmup, count, inFlight, settlement);
        types?.Listening = false;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var process = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        var thread = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        var commit = store.Allocated - storeBefore;
        var journaled = counted.Allocated - journalBefore;
        var payments = (double)count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            payments {count}, {inFlight} in flight, {(publisher is OwingPublisher ? "answers owed durably" : "answers taken at once")}, commit delay {options.CommitDelayMilliseconds} ms, state snapshots {options.StateSnapshotSeconds} s after a change, after {warmup} warm-up payments
            allocated per payment: {process / payments:F0} B in the process
              receiving thread (intake, scoring, answers, journal): {thread / payments:F0} B, of which the journal's append {journaled / payments:F0} B
              the store's commit (the group's document, LiteDB's transaction, the flush): {commit / payments:F0} B
              the rest (the record loop, acknowledgements, timers): {(process - thread - commit) / payments:F0} B
            LiteDB transactions per payment: {(file.Writes - transactionsBefore) / payments:F3}; flushes per payment: {(file.Flushes - flushesBefore) / payments:F3}
            answer journal flushes per payment: {(counted.Flushes - journalFlushesBefore) / payments:F3} for acknowledgements, {(counted.AllFlushes - allJournalFlushesBefore) / payments:F3} in all (with those that release space behind LiteDB's commits)
            gen0 collections: {GC.CollectionCount(0) - gen0Before}
            CPU per payment: {cpu.TotalMicroseconds / payments:F1} µs (a shared machine: read with care)
            """));
        foreach (var (type, bytes) in types?.Top(25) ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sampled {bytes / payments,8:F0} B per payment  {type}"));
        }

        pipeline.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
        run.GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>Sends <paramref name="count"/> messages from <paramref name="from"/>, <paramref name="inFlight"/> at a time, each group acknowledged before the next.</summary>
    private static void Send(ScoringPipeline pipeline, InboundMessage[] messages, int from, int count, int inFlight, CountingSettlement settlement)
    {
        for (var i = 0; i < count; i += inFlight)
        {
            var group = Math.Min(inFlight, count - i);
            for (var j = 0; j < group; j++)
            {
                var sent = pipeline.EnqueueAsync(messages[from + i + j], CancellationToken.None);
                if (!sent.IsCompletedSuccessfully)
                {
                    sent.AsTask().GetAwaiter().GetResult();
                }
            }

            settlement.WaitFor(from + i + group);
        }
    }

    /// <summary>Payments from 400 cards at 40 merchants on 8 terminals, amounts and times varied, the card numbers in clear over loopback.</summary>
    private static InboundMessage[] Messages(int count, CountingSettlement settlement)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        var messages = new InboundMessage[count];
        for (var i = 0; i < count; i++)
        {
            var card = PaymentGen.WithCheckDigit(string.Create(CultureInfo.InvariantCulture, $"411111{random.Next(400):D9}"));
            var at = now.AddSeconds(-random.Next(3_600)).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
            var amount = (random.Next(100, 50_000) / 100m).ToString(CultureInfo.InvariantCulture);
            var payload = Encoding.UTF8.GetBytes(
                $$$"""{"transactionId":"tx-{{{i:D8}}}","timestamp":"{{{at}}}","amount":{{{amount}}},"currency":"EUR","pan":"{{{card}}}","mcc":"5411","channel":"pos","merchantId":"m-{{{random.Next(40)}}}","location":{"lat":48.85,"lon":2.35}}""");
            messages[i] = new InboundMessage
            {
                Topic = string.Create(CultureInfo.InvariantCulture, $"pos/store-1/t{i % 8}/payments"),
                Payload = payload,
                ReceivedTimestamp = Stopwatch.GetTimestamp(),
                ReceivedAt = now,
                ArrivedOverLoopback = true,
                Settlement = settlement,
            };
        }

        return messages;
    }

    /// <summary>Takes every answer at once, as a broker that queues it does; allocates nothing.</summary>
    private sealed class TakingPublisher : IAnswerPublisher
    {
        public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Owes each answer to its terminal durably, and settles the one before, as the embedded broker does once the terminal acknowledges it.</summary>
    private sealed class OwingPublisher(OwedAnswerFile file) : IAnswerPublisher
    {
        private long _previous;

        public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (_previous > 0)
            {
                file.Settle(_previous);
            }

            var (answer, durable) = file.Owe("store-1-t0", topic, correlationData, payload.Span, DateTimeOffset.UtcNow);
            _previous = answer.Id;
            return durable;
        }
    }

    /// <summary>Counts acknowledgements, and lets the sender wait for them; allocates nothing (a blocking wait, not an awaited one).</summary>
    private sealed class CountingSettlement : IMessageSettlement, IDisposable
    {
        private readonly SemaphoreSlim _acknowledgements = new(0);
        private int _acknowledged;

        public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _acknowledged);
            _acknowledgements.Release();
            return ValueTask.CompletedTask;
        }

        public void WaitFor(int acknowledged)
        {
            while (Volatile.Read(ref _acknowledged) < acknowledged)
            {
                _acknowledgements.Wait();
            }
        }

        public void Dispose() => _acknowledgements.Dispose();

        public void Abandon()
        {
        }
    }

    /// <summary>The record, with the bytes its commits allocate counted (on the committing thread).</summary>
    private sealed class CountingStore(LiteDbOutcomeStore inner) : IOutcomeStore, IDisposable
    {
        private long _allocated;

        public long Allocated => Interlocked.Read(ref _allocated);

        public long LastSequence => inner.LastSequence;

        public void Commit(IReadOnlyList<ScoredBatch> batches)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            inner.Commit(batches);
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        public byte[]? FindAnswer(long sequence, string deduplicationKey) => inner.FindAnswer(sequence, deduplicationKey);

        public IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since) => inner.RecentKeys(since);

        public StoredFeatureState LoadState(int maxCards, int maxMerchants = int.MaxValue, Action<string>? cardLeft = null, Action<string>? merchantLeft = null) =>
            inner.LoadState(maxCards, maxMerchants, cardLeft, merchantLeft);

        public CardHistorySnapshot? FindCard(string cardToken) => inner.FindCard(cardToken);

        public MerchantActivitySnapshot? FindMerchant(string merchantKey) => inner.FindMerchant(merchantKey);

        public void Dispose() => inner.Dispose();
    }

    /// <summary>The answer journal, with the bytes its appends allocate counted.</summary>
    private sealed class CountingJournal(MappedAnswerJournal inner) : IAnswerJournal
    {
        private long _allocated;
        private long _flushes;

        public long Allocated => Interlocked.Read(ref _allocated);

        public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var journaled = inner.Append(outcomes);
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            return journaled;
        }

        /// <summary>The record loop's flushes (acknowledgements), apart from those the journal makes when LiteDB releases space.</summary>
        public long Flushes => Interlocked.Read(ref _flushes);

        public long AllFlushes => inner.Flushes;

        public bool WaitForRoom(TimeSpan timeout) => inner.WaitForRoom(timeout);

        public void Flush()
        {
            inner.Flush();
            Interlocked.Increment(ref _flushes);
        }

        public void Committed(long sequence) => inner.Committed(sequence);
    }
}
