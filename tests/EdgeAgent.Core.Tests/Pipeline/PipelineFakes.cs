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

    public void Score(int rows, Span<float> scores)
    {
        if (Fail)
        {
            throw new InvalidOperationException("model broke");
        }

        Batches.Add(rows);
        for (var i = 0; i < rows; i++)
        {
            scores[i] = Math.Min(1f, _input[i * FeatureSchema.Count] / 1000f);
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

    public int FailNextCommits { get; set; }

    public int Commits { get; private set; }

    public Dictionary<string, long> Sequences { get; } = [];

    public long LastSequence { get; private set; }

    public byte[]? FindAnswer(long sequence, string deduplicationKey) =>
        Sequences.GetValueOrDefault(deduplicationKey) == sequence ? Answers.GetValueOrDefault(deduplicationKey) : null;

    public IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since) =>
        Sequences.Select(s => new RecordedKey(s.Key, s.Value, TestPayments.Now)).ToList();

    /// <summary>Puts an answer on record as if an earlier run had scored it.</summary>
    public void Record(string key, byte[] answer)
    {
        Answers[key] = answer;
        Sequences[key] = ++LastSequence;
    }

    public CardHistorySnapshot? FindCard(string cardToken) => Cards.GetValueOrDefault(cardToken);

    public MerchantActivitySnapshot? FindMerchant(string merchantKey) => null;

    public void Commit(IReadOnlyList<OutcomeBatch> batches)
    {
        if (FailNextCommits > 0)
        {
            FailNextCommits--;
            throw new IOException("disk full");
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
                Answers[outcome.Key] = outcome.Answer.Answer!;
                Sequences[outcome.Key] = outcome.Sequence;
                LastSequence = outcome.Sequence;
            }
            else if (outcome.Kind == OutcomeKind.Rejected)
            {
                DeadLetters.Add(outcome);
            }
        }

        foreach (var batch in batches)
        {
            Journal.AddRange(batch.Updates);
            if (batch.Snapshot is { } snapshot)
            {
                Journal.Clear();
                foreach (var card in snapshot.Cards)
                {
                    Cards[card.CardToken] = card;
                }
            }
        }
    }

    public List<FeatureUpdate> Journal { get; } = [];

    public StoredFeatureState LoadState(int maxCards) => new(Cards.Values.ToList(), [], Journal.ToList());
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
    public static InboundMessage Create(List<string> events, string json, string name, string topic = TestPayments.Topic, string? responseTopic = "reply/1", byte[]? correlation = null) =>
        new()
        {
            Topic = topic,
            Payload = TestPayments.Bytes(json),
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
            ReceivedAt = TestPayments.Now,
            Settlement = new TestSettlement(events, name),
        };
}
