using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Pipeline;

/// <summary>A scorer whose score is the amount feature divided by 1000, capped at 1.</summary>
internal sealed class AmountScorer(int maxBatch = 8) : IScorer
{
    private readonly float[] _input = new float[maxBatch * FeatureSchema.Count];

    public List<int> Batches { get; } = [];

    public bool Fail { get; set; }

    public ModelIdentity Model { get; } = new("amount-rule", "1.0");

    public DecisionThresholds Thresholds { get; } = new(0.5, 0.9);

    public int MaxBatchSize => maxBatch;

    public Span<float> InputRows(int rows) => _input.AsSpan(0, rows * FeatureSchema.Count);

    /// <summary>Fails any run of more than one row (a batch that one bad row breaks).</summary>
    public bool FailBatches { get; set; }

    public void Score(int rows, Span<float> scores)
    {
        if (Fail || (FailBatches && rows > 1))
        {
            throw new InvalidOperationException("model broke");
        }

        Batches.Add(rows);
        for (var i = 0; i < rows; i++)
        {
            // An amount of 666 makes the "model" answer NaN, 777 a value outside [0, 1].
            var amount = _input[i * FeatureSchema.Count];
            scores[i] = amount switch
            {
                666f => float.NaN,
                777f => 7f,
                _ => Math.Min(1f, amount / 1000f),
            };
        }
    }

    public int Explain(int row, Span<Reason> reasons) => 0;
}

internal sealed class SingleScorer(IScorer scorer) : IScorerSource
{
    public IScorerLease Rent() => new Lease(scorer);

    private sealed class Lease(IScorer scorer) : IScorerLease
    {
        public IScorer Scorer => scorer;

        public void Dispose()
        {
        }
    }
}

/// <summary>An in-memory record, optionally failing its first commits.</summary>
internal sealed class MemoryStore(List<string> events) : IOutcomeStore
{
    public ConcurrentDictionary<string, byte[]> Answers { get; } = new();

    public List<Outcome> DeadLetters { get; } = [];

    public List<Outcome> Scored { get; } = [];

    public Dictionary<string, CardHistorySnapshot> Cards { get; } = [];

    /// <summary>Commits that throw <see cref="StoreUnavailableException"/> (a full device) before one succeeds.</summary>
    public int FailNextCommits { get; set; }

    /// <summary>Commits that throw as if their content could not be recorded, while any outcome has this transaction id.</summary>
    public string? UnrecordableTransaction { get; set; }

    public int Commits { get; private set; }

    /// <summary>While reset, a commit waits in it, as on a device whose flush stalls; set by default.</summary>
    public ManualResetEventSlim Device { get; } = new(initialState: true);

    /// <summary>The commit after the first content failure finds the device gone (once).</summary>
    public bool UnavailableAfterContentFailure { get; set; }

    private bool _unavailableNext;

    public Dictionary<string, long> Sequences { get; } = [];

    public Dictionary<string, long> Fingerprints { get; } = [];

    public long LastSequence { get; private set; }

    public byte[]? FindAnswer(long sequence, string deduplicationKey) =>
        Sequences.GetValueOrDefault(deduplicationKey) == sequence ? Answers.GetValueOrDefault(deduplicationKey) : null;

    public IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since) =>
        Sequences.OrderByDescending(s => s.Value)
            .Select(s => new RecordedKey(s.Key, s.Value, TestPayments.Now, Fingerprints.GetValueOrDefault(s.Key))).ToList();

    /// <summary>Puts an answer on record as if an earlier run had scored it.</summary>
    public void Record(string key, byte[] answer, long fingerprint = 0)
    {
        Answers[key] = answer;
        Sequences[key] = ++LastSequence;
        Fingerprints[key] = fingerprint;
    }

    public CardHistorySnapshot? FindCard(string cardToken) => Cards.GetValueOrDefault(cardToken);

    public MerchantActivitySnapshot? FindMerchant(string merchantKey) => null;

    /// <summary>True once a commit ran on a thread-pool worker (LiteDB's commit blocks in its flush, which may stall).</summary>
    public bool CommittedOnPoolThread { get; private set; }

    public void Commit(IReadOnlyList<ScoredBatch> batches)
    {
        CommittedOnPoolThread |= Thread.CurrentThread.IsThreadPoolThread;
        Device.Wait();
        if (FailNextCommits > 0)
        {
            FailNextCommits--;
            throw new StoreUnavailableException("disk full", deviceFull: true);
        }

        if (_unavailableNext)
        {
            _unavailableNext = false;
            throw new StoreUnavailableException("the device went away", deviceFull: false);
        }

        if (UnrecordableTransaction is { } bad && batches.Any(b => b.Outcomes.Any(o => o.TransactionId == bad)))
        {
            _unavailableNext = UnavailableAfterContentFailure;
            UnavailableAfterContentFailure = false;
            throw new InvalidDataException("content the store cannot take");
        }

        Commits++;
        foreach (var outcome in batches.SelectMany(b => b.Outcomes))
        {
            lock (events)
            {
                events.Add("commit " + outcome.TransactionId);
            }

            if (outcome.Kind == OutcomeKind.Scored)
            {
                Scored.Add(outcome);
                Answers[outcome.Key!] = outcome.Answer.ToArray();
                Sequences[outcome.Key!] = outcome.Sequence;
                Fingerprints[outcome.Key!] = outcome.Fingerprint;
                LastSequence = outcome.Sequence;
            }
            else if (outcome.Kind == OutcomeKind.Rejected && outcome.Sequence > 0)
            {
                DeadLetters.Add(outcome);
                LastSequence = Math.Max(LastSequence, outcome.Sequence);
            }
        }

        foreach (var batch in batches)
        {
            Journal.AddRange(batch.Outcomes.Where(o => o.Kind == OutcomeKind.Scored && !o.Features.IsEmpty).Select(o => (o.Sequence, FeatureUpdate.Of(o.Event!))));
            if (batch.Snapshot is { } snapshot)
            {
                Journal.RemoveAll(j => j.Sequence <= snapshot.CoveredThrough);
                foreach (var card in snapshot.Cards)
                {
                    Cards[card.CardToken] = card;
                }
            }
        }
    }

    public List<(long Sequence, FeatureUpdate Update)> Journal { get; } = [];

    public StoredFeatureState LoadState(int maxCards, int maxMerchants = int.MaxValue, Action<string>? cardLeft = null, Action<string>? merchantLeft = null) =>
        new(Cards.Values.ToList(), [], Journal.ToList());
}

/// <summary>A poison ledger in memory: crash counts set by the test, slots recorded.</summary>
internal sealed class MemoryLedger : IPoisonLedger
{
    public ConcurrentDictionary<long, int> Counts { get; } = new();

    public ConcurrentDictionary<int, long> Entered { get; } = new();

    public List<long> Cleared { get; } = [];

    private int _next;

    /// <summary>A fake needs no key, only the same hash for the same message.</summary>
    public long HashOf(InboundMessage message) => UnkeyedHash.Of(message);

    public int Enter(long messageHash)
    {
        var slot = Interlocked.Increment(ref _next);
        Entered[slot] = messageHash;
        return slot;
    }

    public void Leave(int slot) => Entered.TryRemove(slot, out _);

    public int Crashes(long messageHash) => Counts.GetValueOrDefault(messageHash);

    public void Clear(long messageHash)
    {
        lock (Cleared)
        {
            Cleared.Add(messageHash);
        }

        Counts.TryRemove(messageHash, out _);
    }

    /// <summary>Pretends every message now in a slot was in a crash.</summary>
    public void Crash()
    {
        foreach (var hash in Entered.Values)
        {
            Counts.AddOrUpdate(hash, 1, (_, n) => n + 1);
        }

        Entered.Clear();
    }
}

internal sealed class RecordingPublisher(List<string> events) : IAnswerPublisher
{
    public ConcurrentQueue<(string Topic, byte[]? Correlation, byte[] Payload)> Published { get; } = new();

    public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        lock (events)
        {
            events.Add("answer " + topic);
        }

        Published.Enqueue((topic, correlationData, payload.ToArray()));
        return Task.CompletedTask;
    }
}

internal sealed class TestSettlement(List<string> events, string name) : IMessageSettlement
{
    public bool Acknowledged { get; private set; }

    public bool Abandoned { get; private set; }

    public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
    {
        lock (events)
        {
            events.Add("ack " + name);
        }

        Acknowledged = true;
        return ValueTask.CompletedTask;
    }

    public void Abandon() => Abandoned = true;
}

internal static class Messages
{
    public static InboundMessage Create(List<string> events, string json, string name, string topic = TestPayments.Topic, string? responseTopic = "pos/store-1/t1/responses/r1",
        byte[]? correlation = null, int qos = 1, bool retain = false, string? contentType = null, long? receivedTimestamp = null) =>
        new()
        {
            Topic = topic,
            Payload = TestPayments.Bytes(json),
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            ContentType = contentType,
            Qos = qos,
            Retain = retain,
            ArrivedOverLoopback = true,
            ReceivedTimestamp = receivedTimestamp ?? Stopwatch.GetTimestamp(),
            ReceivedAt = TestPayments.Now,
            Settlement = new TestSettlement(events, name),
        };
}

internal sealed class RecordingJournal(List<string> events) : IAnswerJournal
{
    public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes)
    {
        lock (events)
        {
            foreach (var outcome in outcomes)
            {
                events.Add("journal " + outcome.TransactionId);
            }
        }

        return default;
    }

    public bool WaitForRoom(TimeSpan timeout) => false;

    public void Flush()
    {
    }

    public void Committed(long sequence)
    {
    }
}

/// <summary>
/// A journal that takes every batch (a byte of its own per batch, as if encoded) and whose flush the test fails on demand,
/// as a device answering <c>fdatasync</c> with EIO does. Records "flush" in the events when a flush succeeds.
/// </summary>
internal sealed class FlakyJournal(List<string> events) : IAnswerJournal
{
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _failing;

    /// <summary>Flushes fail while set.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Completes at the first failed flush.</summary>
    public Task Failed => _failed.Task;

    public long CommittedThrough { get; private set; }

    public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes) => new byte[] { 1 };

    public bool WaitForRoom(TimeSpan timeout) => false;

    public void Flush()
    {
        if (_failing)
        {
            _failed.TrySetResult();
            throw new IOException("fdatasync failed: errno 5", 5);
        }

        lock (events)
        {
            events.Add("flush");
        }
    }

    public void Committed(long sequence) => CommittedThrough = Math.Max(CommittedThrough, sequence);
}

/// <summary>
/// A journal that takes every batch and whose flush the test holds, as a device whose <c>fdatasync</c> stalls: the flush
/// waits while <see cref="Hold"/> is set, and <see cref="Flushing"/> completes once one has started.
/// </summary>
internal sealed class HeldJournal : IAnswerJournal, IDisposable
{
    private readonly ManualResetEventSlim _open = new(true);
    private readonly TaskCompletionSource _flushing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a flush has started.</summary>
    public Task Flushing => _flushing.Task;

    public int Flushes { get; private set; }

    /// <summary>Whether any flush ran on a thread-pool thread (a stalled one would then hold a pool worker).</summary>
    public bool FlushedOnPoolThread { get; private set; }

    public void Hold() => _open.Reset();

    public void Release() => _open.Set();

    public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes) => new byte[] { 1 };

    public bool WaitForRoom(TimeSpan timeout) => false;

    public void Flush()
    {
        FlushedOnPoolThread |= Thread.CurrentThread.IsThreadPoolThread;
        _flushing.TrySetResult();
        _open.Wait(TimeSpan.FromSeconds(60));
        Flushes++;
    }

    public void Committed(long sequence)
    {
    }

    public void Dispose() => _open.Dispose();
}

/// <summary>
/// A journal whose ring holds <paramref name="capacity"/> batches not yet in LiteDB, as the mapped ring holds its bytes: full,
/// it refuses an append (<see cref="AnswerJournalFullException"/>) until LiteDB's commit releases space.
/// </summary>
internal sealed class RingJournal(int capacity) : IAnswerJournal
{
    private readonly object _lock = new();
    private readonly Queue<long> _live = new();

    public int Refused { get; private set; }

    public ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes)
    {
        lock (_lock)
        {
            if (_live.Count >= capacity)
            {
                Refused++;
                throw new AnswerJournalFullException("full");
            }

            _live.Enqueue(outcomes.Max(o => o.Sequence));
            return new byte[] { 1 };
        }
    }

    public bool WaitForRoom(TimeSpan timeout)
    {
        lock (_lock)
        {
            return Monitor.Wait(_lock, timeout);
        }
    }

    public void Flush()
    {
    }

    public void Committed(long sequence)
    {
        lock (_lock)
        {
            while (_live.TryPeek(out var last) && last <= sequence)
            {
                _live.Dequeue();
            }

            Monitor.PulseAll(_lock);
        }
    }
}
