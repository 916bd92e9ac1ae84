using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// One pass of the scoring loop over a batch of arrivals, in arrival order, each step a part with one job:
/// <see cref="BatchAssembly"/> recognises repeats and computes and applies features, <see cref="BatchDecisions"/> scores the
/// batch in one model run and decides, <see cref="BatchAnswers"/> writes the answers and makes the immutable outcomes, and
/// <see cref="AnswerDelivery"/> writes them ahead to the answer journal and publishes them. What it hands on is the batch to
/// record and, beside it, its answers' publishes (<see cref="AnsweredBatch"/>). The pass holds the batch in the poison
/// ledger while its bytes are handled. Each message is handled in isolation: what goes wrong with one becomes that
/// message's fallback answer or refusal, never the batch's.
/// </summary>
internal sealed class BatchScoring : IDisposable
{
    private readonly BatchAssembly _assembly;
    private readonly BatchDecisions _decisions;
    private readonly BatchAnswers _answers;
    private readonly AnswerDelivery _delivery;
    private readonly IScorerSource _scorers;
    private readonly IPoisonLedger? _ledger;
    private readonly IRecordingObserver? _observer;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private ScoringRow[] _rows = new ScoringRow[64];

    public BatchScoring(PipelineParts parts, FeatureState state, DuplicateIndex duplicates)
    {
        _assembly = new BatchAssembly(parts, state, duplicates);
        _decisions = new BatchDecisions(parts);
        _answers = new BatchAnswers(duplicates, parts.Decisions, parts.Metrics, parts.Time);
        _delivery = new AnswerDelivery(parts.Publisher, parts.Journal, parts.Metrics, parts.Time, parts.Logger);
        _scorers = parts.Scorers;
        _ledger = parts.Ledger;
        _observer = parts.Observer;
        _options = parts.Options;
        _time = parts.Time;
    }

    public void Dispose() => _answers.Dispose();

    /// <summary>Most arrivals taken into one pass.</summary>
    public int MaxBatchSize => _options.MaxBatchSize;

    /// <summary>New outcomes are numbered after <paramref name="lastSequence"/> (the last one on record).</summary>
    public void StartAfter(long lastSequence) => _assembly.StartAfter(lastSequence);

    /// <summary>Replays the journal over the restored snapshots, at start, before any message is taken.</summary>
    public void Replay(IEnumerable<(long Sequence, FeatureUpdate Update)> journal) => _assembly.Replay(journal);

    /// <summary>A batch holding only the feature state changed since the last snapshot (a graceful stop writes it).</summary>
    public AnsweredBatch FinalSnapshot() => new(new ScoredBatch([], _assembly.FinalSnapshot()), []);

    public AnsweredBatch Score(List<Arrival> arrivals)
    {
        EnterLedger(arrivals);
        var rows = Rows(arrivals.Count);
        using var lease = _scorers.Rent();
        var scorer = lease.Scorer;
        var input = scorer.InputRows(Math.Min(rows.Length, scorer.MaxBatchSize));
        var features = new float[rows.Length * FeatureSchema.Count];
        var scored = _assembly.Assemble(arrivals, rows, input, features);
        if (scored > 0)
        {
            _decisions.Decide(scorer, scored, rows, features);
        }

        return Answer(arrivals, rows, features);
    }

    /// <summary>Refuses a whole batch with <c>internal_error</c> (the last resort when scoring it failed as a whole).</summary>
    public AnsweredBatch Refuse(List<Arrival> arrivals)
    {
        EnterLedger(arrivals);
        var rows = Rows(arrivals.Count);
        _assembly.Refuse(arrivals, rows);
        return Answer(arrivals, rows, []);
    }

    private Span<ScoringRow> Rows(int count)
    {
        if (_rows.Length < count)
        {
            _rows = new ScoringRow[count];
        }

        var rows = _rows.AsSpan(0, count);
        rows.Clear();
        return rows;
    }

    private AnsweredBatch Answer(List<Arrival> arrivals, Span<ScoringRow> rows, float[] features)
    {
        var answered = _time.GetTimestamp();
        var outcomes = _answers.Answer(arrivals, rows, features, answered);
        rows.Clear();
        var batch = new ScoredBatch(outcomes, _assembly.DueSnapshot(answered, outcomes.Length))
        {
            // Written ahead before any answer leaves (see AnswerDelivery); the record takes the journal's bytes.
            Journaled = _delivery.WriteAhead(outcomes),
        };
        var answers = _delivery.Publish(outcomes, answered);

        // Only once answered do the messages leave the poison ledger: a publish that kills the process counts against them.
        LeaveLedger(arrivals);
        _observer?.Answered(batch);
        return new AnsweredBatch(batch, answers);
    }

    /// <summary>
    /// Enters the batch into the poison ledger for this pass: its features, the model run over it and its answers are what
    /// runs its bytes now, so a crash until <see cref="LeaveLedger"/> is charged to this batch and to nothing queued behind
    /// it. A message with a crash against it comes alone (<see cref="ScoringLoop"/>), so a second crash singles it out.
    /// </summary>
    private void EnterLedger(List<Arrival> arrivals)
    {
        if (_ledger is null)
        {
            return;
        }

        foreach (var arrival in arrivals)
        {
            if (arrival.LedgerSlot < 0)
            {
                arrival.LedgerSlot = _ledger.Enter(arrival.MessageHash);
            }
        }
    }

    private void LeaveLedger(List<Arrival> arrivals)
    {
        if (_ledger is null)
        {
            return;
        }

        foreach (var arrival in arrivals)
        {
            if (arrival.LedgerSlot >= 0)
            {
                _ledger.Leave(arrival.LedgerSlot);
                arrival.LedgerSlot = -1;
            }

            if (arrival.Isolated)
            {
                _ledger.Clear(arrival.MessageHash);
            }
        }
    }
}
