using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Answers a decided batch: writes every answer with one reused writer into one array for the batch, makes each row's
/// immutable outcome (a repeat gets its first answer's very bytes), and remembers each scored payment in the duplicate
/// index with its answer, so the next repeat finds it.
/// </summary>
internal sealed class BatchAnswers(DuplicateIndex duplicates, DecisionPolicy decisions, PipelineMetrics metrics, TimeProvider time) : IDisposable
{
    private readonly AnswerWriter _writer = new();
    private Range[] _ranges = new Range[64];

    public void Dispose() => _writer.Dispose();

    /// <summary>The outcomes of <paramref name="rows"/>, in arrival order, answered at <paramref name="answered"/>.</summary>
    public Outcome[] Answer(List<Arrival> arrivals, Span<ScoringRow> rows, float[] features, long answered)
    {
        var count = arrivals.Count;
        if (_ranges.Length < count)
        {
            _ranges = new Range[count];
        }

        _writer.Begin();
        for (var i = 0; i < count; i++)
        {
            ref var row = ref rows[i];
            var latency = time.GetElapsedTime(arrivals[i].Message.ReceivedTimestamp, answered).TotalMilliseconds;
            row.LatencyMs = latency;
            _ranges[i] = row.Kind switch
            {
                OutcomeKind.Scored => _writer.Scored(arrivals[i].Payment!.TransactionId, row.Score is null ? decisions.FallbackDecision : row.Decision,
                    row.Score, row.FallbackReason, row.Model, row.Reasons ?? [], latency),
                OutcomeKind.Rejected => _writer.Rejected(arrivals[i].TransactionId, row.Errors ?? [], latency),
                _ => default,
            };
        }

        var arena = _writer.Seal();
        var outcomes = new Outcome[count];
        for (var i = 0; i < count; i++)
        {
            outcomes[i] = Complete(arrivals[i], ref rows[i], arena, _ranges[i], features, outcomes);
        }

        return outcomes;
    }

    private Outcome Complete(Arrival arrival, ref ScoringRow row, byte[] arena, Range range, float[] features, Outcome[] earlier)
    {
        var answer = row.Kind switch
        {
            OutcomeKind.Duplicate when row.DuplicateOf >= 0 => earlier[row.DuplicateOf].Answer,
            OutcomeKind.Duplicate => row.DuplicateAnswer,
            _ => arena.AsMemory(range),
        };
        var payment = row.Kind == OutcomeKind.Scored ? arrival.Payment : null;
        var decision = row.Score is null ? decisions.FallbackDecision : row.Decision;
        var outcome = new Outcome
        {
            Message = arrival.Message,
            Kind = row.Kind,
            Sequence = row.Sequence,
            Key = row.Key,
            TransactionId = arrival.Payment?.TransactionId ?? arrival.TransactionId,
            AnswerTopic = arrival.AnswerTopic,
            AnswerCorrelation = arrival.AnswerCorrelation,
            Event = payment,
            Fingerprint = row.Fingerprint,
            Features = row.FeatureOffset >= 0 && payment is not null && features.Length > 0
                ? features.AsMemory(row.FeatureOffset, FeatureSchema.Count) : default,
            Score = row.Score,
            Decision = decision,
            FallbackReason = row.Kind == OutcomeKind.Scored ? row.FallbackReason : null,
            Model = row.Model,
            Reasons = row.Reasons ?? [],
            ShadowScore = row.ShadowScore,
            ShadowModel = row.ShadowModel,
            Errors = row.Errors ?? [],
            DeadLetter = row.Kind == OutcomeKind.Rejected && row.Sequence > 0 ? arrival.DeadLetter ?? DeadLetterSkeleton.Of([], arrival.Message.Length) : null,
            Answer = answer,
            DeferredAnswer = row.Deferred,
            LatencyMs = row.LatencyMs,
            AnsweredTimestamp = time.GetTimestamp(),
        };

        if (row.Kind == OutcomeKind.Scored)
        {
            metrics.CountScored(decision);
            duplicates.Add(row.Key!, row.Hash, row.Sequence, row.Fingerprint, arrival.Message.ReceivedAt, answer);
        }

        return outcome;
    }
}
