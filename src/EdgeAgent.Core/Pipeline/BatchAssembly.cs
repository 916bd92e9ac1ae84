using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Assembles a batch for the model, in arrival order: refusals are numbered (within the dead-letter budget), repeats are
/// recognised (in the batch, in memory, or read back from the record off the loop), and every other payment is numbered,
/// its features computed and applied to the feature state, and its vector put in the model's input. It owns the feature
/// state, the duplicate lookups and the sequence; what goes wrong with one payment's features becomes that payment's
/// fallback, never the batch's.
/// </summary>
internal sealed partial class BatchAssembly
{
    private readonly FeatureState _state;
    private readonly FeatureExtractor _extractor;
    private readonly DuplicateIndex _duplicates;
    private readonly IOutcomeStore _store;
    private readonly DeadLetterBudget _deadLetters;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IRecordingObserver? _observer;
    private readonly ILogger _logger;
    private readonly long _snapshotTicks;
    private long _sequence;

    public BatchAssembly(PipelineParts parts, FeatureState state, DuplicateIndex duplicates)
    {
        _state = state;
        _extractor = new FeatureExtractor(state);
        _duplicates = duplicates;
        _store = parts.Store;
        _metrics = parts.Metrics;
        _time = parts.Time;
        _observer = parts.Observer;
        _logger = parts.Logger;
        _deadLetters = new DeadLetterBudget(parts.Options.DeadLettersPerSecond, parts.Options.DeadLetterBurst, parts.Time);
        _snapshotTicks = (long)(parts.Options.StateSnapshotSeconds * _time.TimestampFrequency);
    }

    /// <summary>New outcomes are numbered after <paramref name="lastSequence"/> (the last one on record).</summary>
    public void StartAfter(long lastSequence) => _sequence = lastSequence;

    /// <summary>Replays the journal over the restored snapshots, at start, before any message is taken.</summary>
    public void Replay(IEnumerable<(long Sequence, FeatureUpdate Update)> journal)
    {
        foreach (var (sequence, update) in journal)
        {
            _state.Sequence = sequence;
            _state.Ticks = _time.GetTimestamp();
            _extractor.Apply(update);
        }
    }

    /// <summary>
    /// Fills <paramref name="rows"/> for <paramref name="arrivals"/>; the vectors of the payments the model is to score go to
    /// <paramref name="input"/> (in order) and to <paramref name="features"/> (at each row's offset). Returns how many the
    /// model is to score.
    /// </summary>
    public int Assemble(List<Arrival> arrivals, Span<ScoringRow> rows, Span<float> input, float[] features)
    {
        var scored = 0;
        var started = _time.GetTimestamp();
        for (var i = 0; i < arrivals.Count; i++)
        {
            _metrics.Stage(PipelineStage.IngestWait).RecordTicks(arrivals[i].Message.ReceivedTimestamp, started);
            rows[i] = Evaluate(arrivals[i], rows[..i], input, features, ref scored);
        }

        _metrics.Stage(PipelineStage.ValidateAndFeatures).RecordTicks(started, _time.GetTimestamp());
        return scored;
    }

    /// <summary>Every arrival refused with <c>internal_error</c> (the last resort when scoring the batch failed as a whole).</summary>
    public void Refuse(List<Arrival> arrivals, Span<ScoringRow> rows)
    {
        for (var i = 0; i < arrivals.Count; i++)
        {
            rows[i] = new ScoringRow
            {
                Kind = OutcomeKind.Rejected,
                Sequence = ++_sequence,
                Errors = [new ValidationError("$", ValidationCodes.InternalError, "the agent could not handle this message; it was not scored")],
                ScoreIndex = -1,
                DuplicateOf = -1,
            };
        }
    }

    /// <summary>
    /// A few of the entities changed long enough ago (or pushed over a cap), as of <paramref name="now"/>: bounded work,
    /// never a pass that copies them all; one busy card is written once per interval, not once per payment. Null when none.
    /// </summary>
    public FeatureStateChanges? DueSnapshot(long now, int payments) => _state.TakeDueChanges(now - _snapshotTicks, Math.Max(64, 2 * payments));

    /// <summary>Everything changed since the last snapshot (a graceful stop writes it).</summary>
    public FeatureStateChanges FinalSnapshot() => _state.TakeChanges();

    private ScoringRow Evaluate(Arrival arrival, ReadOnlySpan<ScoringRow> earlier, Span<float> input, float[] features, ref int scored)
    {
        if (arrival.Payment is not { } payment)
        {
            return Rejected(arrival, arrival.Errors);
        }

        var key = payment.DeduplicationKey;
        var hash = PaymentFingerprint.OfText(key);
        var fingerprint = payment.Fingerprint;
        if (FindEarlier(arrival, key, hash, fingerprint, earlier) is { } repeat)
        {
            return repeat;
        }

        _observer?.Scoring(payment.TransactionId);
        var row = new ScoringRow
        {
            Kind = OutcomeKind.Scored,
            Sequence = ++_sequence,
            Key = key,
            Hash = hash,
            Fingerprint = fingerprint,
            ScoreIndex = -1,
            DuplicateOf = -1,
            FeatureOffset = earlier.Length * FeatureSchema.Count,
        };

        if (scored >= input.Length / FeatureSchema.Count)
        {
            // More valid payments than the model takes at once (a model swapped in with a smaller batch): decided by the fallback.
            row.FallbackReason = FallbackReasons.ModelUnavailable;
            return row;
        }

        var vector = input.Slice(scored * FeatureSchema.Count, FeatureSchema.Count);
        try
        {
            _state.Prime(arrival.Prefetch, payment.CardToken, payment.PreviousCardToken, FeatureExtractor.MerchantKey(payment.MerchantId));
            _state.Sequence = row.Sequence;
            _state.Ticks = _time.GetTimestamp();
            _extractor.ComputeAndApply(payment, vector);
            vector.CopyTo(features.AsSpan(row.FeatureOffset, FeatureSchema.Count));
            row.ScoreIndex = scored++;
        }
        catch (Exception ex)
        {
            _metrics.CountInternalError();
            LogFeaturesFailed(ex, payment.TransactionId);
            row.FallbackReason = FallbackReasons.FeaturesUnavailable;
            row.FeatureOffset = -1;
        }

        return row;
    }

    /// <summary>A repeat of a payment answered before, in this batch or earlier: the first answer, or a conflict.</summary>
    private ScoringRow? FindEarlier(Arrival arrival, string key, long hash, long fingerprint, ReadOnlySpan<ScoringRow> earlier)
    {
        for (var i = 0; i < earlier.Length; i++)
        {
            if (earlier[i].Kind == OutcomeKind.Scored && earlier[i].Hash == hash && earlier[i].Key == key)
            {
                return earlier[i].Fingerprint == fingerprint ? Duplicate(key, i) : Conflict(arrival, key);
            }
        }

        var found = _duplicates.Find(key, hash);
        if (found.Kind == LookupKind.None)
        {
            return null;
        }

        // A fingerprint of 0 comes from a record written before fingerprints were kept: it matches anything.
        if (found.Fingerprint != fingerprint && found.Fingerprint != 0)
        {
            return Conflict(arrival, key);
        }

        _metrics.CountDuplicate();
        return new ScoringRow
        {
            Kind = OutcomeKind.Duplicate,
            Key = key,
            ScoreIndex = -1,
            DuplicateOf = -1,
            DuplicateAnswer = found.Answer,
            Deferred = found.Kind == LookupKind.Stored ? LoadAnswerAsync(found.Sequence, key) : null,
        };
    }

    private ScoringRow Duplicate(string key, int first)
    {
        _metrics.CountDuplicate();
        return new ScoringRow { Kind = OutcomeKind.Duplicate, Key = key, ScoreIndex = -1, DuplicateOf = first };
    }

    private ScoringRow Conflict(Arrival arrival, string key)
    {
        _metrics.CountDuplicateConflict();
        return Rejected(arrival, [new ValidationError("transactionId", ValidationCodes.DuplicateConflict,
            "this transaction id was already used for a different payment; a retry repeats the payment exactly")], key);
    }

    /// <summary>
    /// A refusal. It is recorded as a dead letter (and numbered) while its sender stays within the dead-letter budget; past
    /// it, it is still answered and counted, but not kept, so a flood of bad payloads cannot fill the record or slow it.
    /// </summary>
    private ScoringRow Rejected(Arrival arrival, IReadOnlyList<ValidationError> errors, string? key = null)
    {
        _metrics.CountRejected(errors);
        _metrics.RecentRejections.Add(errors.Count > 0 ? errors[0].Code : ValidationCodes.InternalError, arrival.Address, arrival.Message.ReceivedAt);
        var kept = _deadLetters.TryTake(SenderOf(arrival));
        if (!kept)
        {
            _metrics.CountDeadLetterDropped();
        }

        return new ScoringRow
        {
            Kind = OutcomeKind.Rejected,
            Sequence = kept ? ++_sequence : 0,
            Key = key,
            Errors = errors,
            ScoreIndex = -1,
            DuplicateOf = -1,
        };
    }

    private static string SenderOf(Arrival arrival) =>
        arrival.Message.SenderId ?? (arrival.Address is { } a ? a.StoreId + "/" + a.TerminalId : "(unknown topic)");

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

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Features of transaction {TransactionId} could not be computed; answered with the fallback decision")]
    private partial void LogFeaturesFailed(Exception exception, string transactionId);
}
