using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>The second half of a pass: the model run and its checks, the answers, and the hand-over.</summary>
internal sealed partial class BatchScoring
{
    /// <summary>Runs the model over the scored rows; a failed run is retried row by row, so one bad row cannot spoil the others.</summary>
    private void Decide(IScorer scorer, int rows, int count, float[] features)
    {
        var thresholds = _decisions.Resolve(scorer.Thresholds);
        var started = _time.GetTimestamp();
        var scores = _scores.AsSpan(0, rows);
        var ran = Run(scorer, rows, scores, out var retried);
        _metrics.Stage(PipelineStage.Inference).RecordTicks(started, _time.GetTimestamp());
        _metrics.CountInference(rows);
        var shadow = _shadow?.Score(scorer, rows);

        foreach (ref var row in _rows.AsSpan(0, count))
        {
            if (row.ScoreIndex < 0)
            {
                continue;
            }

            row.Model = scorer.Model;
            var score = scores[row.ScoreIndex];
            if (!ran[row.ScoreIndex])
            {
                row.FallbackReason = FallbackReasons.ModelUnavailable;
            }
            else if (!float.IsFinite(score) || score is < 0f or > 1f)
            {
                // Not a probability: a broken model must never approve by accident.
                _metrics.CountModelError();
                row.FallbackReason = FallbackReasons.ModelOutputInvalid;
            }
            else
            {
                row.Score = score;
                row.Decision = thresholds.Decide(score);
                if (shadow is { } s && s.Scored(row.ScoreIndex, row.Decision, out var shadowScore))
                {
                    row.ShadowScore = shadowScore;
                    row.ShadowModel = s.Model;
                }

                // Reasons only for alerts, and only while the scorer still holds this batch's inputs as scored.
                if (row.Decision != Decision.Approve && !retried)
                {
                    row.Reasons = Explain(scorer, row.ScoreIndex);
                }

                _drift?.Observe(scorer.Model, score, row.Decision != Decision.Approve, features.AsSpan(row.FeatureOffset, FeatureSchema.Count));
            }
        }
    }

    private Reason[] Explain(IScorer scorer, int row)
    {
        var reasons = _reasons.AsSpan();
        try
        {
            var count = scorer.Explain(row, reasons);
            return count > 0 ? reasons[..count].ToArray() : [];
        }
        catch (Exception ex)
        {
            // A reason that cannot be computed never costs the payment its decision.
            LogExplainFailed(ex, scorer.Model.ToString());
            return [];
        }
    }

    private bool[] Run(IScorer scorer, int rows, Span<float> scores, out bool retried)
    {
        retried = false;
        if (_ran.Length < rows)
        {
            _ran = new bool[Math.Max(rows, _rows.Length)];
        }

        var ran = _ran;
        Array.Clear(ran);
        try
        {
            scorer.Score(rows, scores);
            Array.Fill(ran, true);
            return ran;
        }
        catch (Exception ex)
        {
            _metrics.CountModelError();
            LogModelFailed(ex, rows, scorer.Model.ToString());
        }

        retried = true;
        if (rows == 1)
        {
            return ran;
        }

        // Row by row: the inputs are still in the scorer's buffer; each row is moved to the front and scored alone.
        var all = scorer.InputRows(rows).ToArray();
        Span<float> one = stackalloc float[1];
        for (var i = 0; i < rows; i++)
        {
            all.AsSpan(i * FeatureSchema.Count, FeatureSchema.Count).CopyTo(scorer.InputRows(1));
            try
            {
                scorer.Score(1, one);
                scores[i] = one[0];
                ran[i] = true;
            }
            catch (Exception)
            {
                _metrics.CountModelError();
            }
        }

        return ran;
    }

    private ScoredBatch Answer(List<Arrival> arrivals, float[] features)
    {
        var count = arrivals.Count;
        var answered = _time.GetTimestamp();
        var ranges = new Range[count];
        _answers.Begin();
        for (var i = 0; i < count; i++)
        {
            ref var row = ref _rows[i];
            var latency = _time.GetElapsedTime(arrivals[i].Message.ReceivedTimestamp, answered).TotalMilliseconds;
            row.LatencyMs = latency;
            ranges[i] = row.Kind switch
            {
                OutcomeKind.Scored => _answers.Scored(arrivals[i].Payment!.TransactionId, row.Score is null ? _decisions.FallbackDecision : row.Decision,
                    row.Score, row.FallbackReason, row.Model, row.Reasons ?? [], latency),
                OutcomeKind.Rejected => _answers.Rejected(arrivals[i].TransactionId, row.Errors ?? [], latency),
                _ => default,
            };
        }

        var arena = _answers.Seal();
        var outcomes = new Outcome[count];
        var publishes = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            outcomes[i] = Complete(arrivals[i], ref _rows[i], arena, ranges[i], features, outcomes);
        }

        var updates = _updates;
        _updates = [];

        // A few of the entities changed long enough ago (or pushed over a cap) are snapshotted with every batch: bounded work,
        // never a pass that copies them all; one busy card is written once per interval, not once per payment.
        var changes = _state.TakeChanges(answered - _snapshotTicks, Math.Max(64, 2 * count));
        var snapshot = changes.IsEmpty ? null : changes;

        // Written ahead before any answer leaves: a crash right after an answer went out must find that answer in the journal,
        // or the redelivery would be scored again and answered with other bytes (another latency) than the terminal has.
        var batch = new ScoredBatch(outcomes, updates, snapshot, publishes);
        WriteAhead(batch);
        var sending = _time.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            Publish(outcomes[i], publishes);
            _metrics.Stage(PipelineStage.Total).RecordTicks(arrivals[i].Message.ReceivedTimestamp, answered);
        }

        _metrics.Stage(PipelineStage.Answer).RecordWhenDone(publishes, _time, sending);

        // Only once answered do the messages leave the poison ledger: a publish that kills the process counts against them.
        LeaveLedger(arrivals);
        _observer?.Answered(batch);
        return batch;
    }

    private Outcome Complete(Arrival arrival, ref Row row, byte[] arena, Range range, float[] features, Outcome[] earlier)
    {
        var answer = row.Kind switch
        {
            OutcomeKind.Duplicate when row.DuplicateOf >= 0 => earlier[row.DuplicateOf].Answer,
            OutcomeKind.Duplicate => row.DuplicateAnswer,
            _ => arena.AsMemory(range),
        };
        var payment = row.Kind == OutcomeKind.Scored ? arrival.Payment : null;
        var decision = row.Score is null ? _decisions.FallbackDecision : row.Decision;
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
            AnsweredTimestamp = _time.GetTimestamp(),
        };

        if (row.Kind == OutcomeKind.Scored)
        {
            _metrics.CountScored(decision);
            _duplicates.Add(row.Key!, row.Hash, row.Sequence, row.Fingerprint, arrival.Message.ReceivedAt, answer);
        }

        return outcome;
    }

    private void Publish(Outcome outcome, List<Task> publishes)
    {
        if (outcome.AnswerTopic is not { } topic)
        {
            return;
        }

        if (outcome.DeferredAnswer is { } deferred)
        {
            publishes.Add(PublishWhenReadAsync(outcome.Message, topic, outcome.AnswerCorrelation, deferred));
            return;
        }

        try
        {
            publishes.Add(_publisher.PublishAsync(outcome.Message, topic, outcome.AnswerCorrelation, outcome.Answer, CancellationToken.None));
        }
        catch (Exception ex)
        {
            // Counted where the answers are awaited; the outcome is recorded anyway and a retry gets it from the record.
            publishes.Add(Task.FromException(ex));
        }
    }

    private async Task PublishWhenReadAsync(InboundMessage payment, string topic, byte[]? correlation, Task<ReadOnlyMemory<byte>> answer) =>
        await _publisher.PublishAsync(payment, topic, correlation, await answer, CancellationToken.None);

    /// <summary>Reads a first answer from the store off the scoring loop (a repeat of a payment older than the answers in memory).</summary>
    private Task<ReadOnlyMemory<byte>> LoadAnswerAsync(long sequence, string key) => Task.Run(() =>
    {
        if (_store.FindAnswer(sequence, key) is { } answer)
        {
            return (ReadOnlyMemory<byte>)answer;
        }

        // The index knew the payment, the record no longer does: say so rather than guess an answer.
        _metrics.CountInternalError();
        using var writer = new AnswerWriter();
        writer.Begin();
        var range = writer.Rejected(key[(key.LastIndexOf('/') + 1)..],
            [new ValidationError("$", ValidationCodes.InternalError, "the first answer to this payment could not be read back; it was not scored again")], 0);
        return writer.Seal().AsMemory(range);
    });

    private void WriteAhead(ScoredBatch batch)
    {
        try
        {
            _journal?.Append(batch);
        }
        catch (Exception ex)
        {
            // Without the journal a crash before the commit means scoring again on redelivery: still safe, less exact.
            LogJournalFailed(ex);
        }
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

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model {Model} failed on a batch of {Rows}; retrying row by row")]
    private partial void LogModelFailed(Exception exception, int rows, string model);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Model {Model} could not explain a score; answered without reasons")]
    private partial void LogExplainFailed(Exception exception, string model);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "The answer journal could not take a batch; a crash before its commit would score it again")]
    private partial void LogJournalFailed(Exception exception);

    /// <summary>What the pass knows about one arrival while it is being scored; the immutable outcome is made from it at the end.</summary>
    private struct Row
    {
        public OutcomeKind Kind;
        public long Sequence;
        public string? Key;
        public long Hash;
        public long Fingerprint;
        public int ScoreIndex;
        public int FeatureOffset;
        public int DuplicateOf;
        public ReadOnlyMemory<byte> DuplicateAnswer;
        public Task<ReadOnlyMemory<byte>>? Deferred;
        public IReadOnlyList<ValidationError>? Errors;
        public Decision Decision;
        public double? Score;
        public string? FallbackReason;
        public ModelIdentity? Model;
        public Reason[]? Reasons;
        public double? ShadowScore;
        public ModelIdentity? ShadowModel;
        public double LatencyMs;
    }
}
