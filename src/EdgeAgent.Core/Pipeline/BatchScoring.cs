using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// One pass of the scoring loop over a batch of arrivals, in arrival order: duplicates are recognised, features computed
/// and applied, the batch scored in one model run, decided, answered (one reused writer, one array for the batch's
/// answers), published, written ahead to the answer journal, and handed on as immutable outcomes. Each message is handled
/// in isolation: what goes wrong with one (its features, its row of the model's output) becomes that message's fallback
/// answer or refusal, never the batch's.
/// </summary>
internal sealed partial class BatchScoring : IDisposable
{
    private readonly FeatureState _state;
    private readonly FeatureExtractor _extractor;
    private readonly DuplicateIndex _duplicates;
    private readonly IScorerSource _scorers;
    private readonly ShadowScoring? _shadow;
    private readonly DecisionPolicy _decisions;
    private readonly AnswerWriter _answers = new();
    private readonly IAnswerPublisher _publisher;
    private readonly IAnswerJournal? _journal;
    private readonly IPoisonLedger? _ledger;
    private readonly IOutcomeStore _store;
    private readonly DeadLetterBudget _deadLetters;
    private readonly PipelineOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IRecordingObserver? _observer;
    private readonly Scoring.Drift.DriftMonitor? _drift;
    private readonly ILogger _logger;
    private readonly long _snapshotTicks;
    private Row[] _rows = new Row[64];
    private float[] _scores = new float[64];
    private bool[] _ran = new bool[64];
    private readonly Reason[] _reasons = new Reason[ReasonCodes.MaxReasons];
    private List<FeatureUpdate> _updates = [];
    private long _sequence;

    public BatchScoring(PipelineParts parts, FeatureState state, DuplicateIndex duplicates)
    {
        _state = state;
        _extractor = new FeatureExtractor(state);
        _duplicates = duplicates;
        _scorers = parts.Scorers;
        _shadow = parts.Shadow is null ? null : new ShadowScoring(parts.Shadow, parts.Decisions, parts.Metrics, parts.Logger);
        _decisions = parts.Decisions;
        _publisher = parts.Publisher;
        _journal = parts.Journal;
        _ledger = parts.Ledger;
        _store = parts.Store;
        _options = parts.Options;
        _metrics = parts.Metrics;
        _time = parts.Time;
        _observer = parts.Observer;
        _drift = parts.Drift;
        _logger = parts.Logger;
        _deadLetters = new DeadLetterBudget(parts.Options.DeadLettersPerSecond, parts.Options.DeadLetterBurst, parts.Time);
        _snapshotTicks = (long)(parts.Options.StateSnapshotSeconds * _time.TimestampFrequency);
    }

    public void Dispose() => _answers.Dispose();

    /// <summary>Most arrivals taken into one pass.</summary>
    public int MaxBatchSize => _options.MaxBatchSize;

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

    /// <summary>A batch holding only the feature state changed since the last snapshot (a graceful stop writes it).</summary>
    public ScoredBatch FinalSnapshot() => new([], [], _state.TakeChanges(), []);

    public ScoredBatch Score(List<Arrival> arrivals)
    {
        EnterLedger(arrivals);
        var count = arrivals.Count;
        if (_rows.Length < count)
        {
            _rows = new Row[count];
            _scores = new float[count];
        }

        using var lease = _scorers.Rent();
        var scorer = lease.Scorer;
        var rowsToScore = Math.Min(count, scorer.MaxBatchSize);
        var input = scorer.InputRows(rowsToScore);
        var features = new float[count * FeatureSchema.Count];
        var scored = 0;
        var started = _time.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            _metrics.Stage(PipelineStage.IngestWait).RecordTicks(arrivals[i].Message.ReceivedTimestamp, started);
            _rows[i] = Evaluate(arrivals[i], i, input, features, ref scored);
        }

        _metrics.Stage(PipelineStage.ValidateAndFeatures).RecordTicks(started, _time.GetTimestamp());
        if (scored > 0)
        {
            Decide(scorer, scored, count, features);
        }

        var batch = Answer(arrivals, features);
        Array.Clear(_rows, 0, count);
        return batch;
    }

    /// <summary>Refuses a whole batch with <c>internal_error</c> (the last resort when scoring it failed as a whole).</summary>
    public ScoredBatch Refuse(List<Arrival> arrivals)
    {
        EnterLedger(arrivals);
        var count = arrivals.Count;
        for (var i = 0; i < count; i++)
        {
            _rows[i] = new Row
            {
                Kind = OutcomeKind.Rejected,
                Sequence = ++_sequence,
                Errors = [new ValidationError("$", ValidationCodes.InternalError, "the agent could not handle this message; it was not scored")],
                ScoreIndex = -1,
                DuplicateOf = -1,
            };
        }

        var batch = Answer(arrivals, []);
        Array.Clear(_rows, 0, count);
        return batch;
    }

    private Row Evaluate(Arrival arrival, int index, Span<float> input, float[] features, ref int scored)
    {
        if (arrival.Payment is not { } payment)
        {
            return Rejected(arrival, arrival.Errors);
        }

        var key = payment.DeduplicationKey;
        var hash = PaymentFingerprint.OfText(key);
        var fingerprint = payment.Fingerprint;
        if (FindEarlier(arrival, key, hash, fingerprint, index) is { } earlier)
        {
            return earlier;
        }

        _observer?.Scoring(payment.TransactionId);
        var row = new Row
        {
            Kind = OutcomeKind.Scored,
            Sequence = ++_sequence,
            Key = key,
            Hash = hash,
            Fingerprint = fingerprint,
            ScoreIndex = -1,
            DuplicateOf = -1,
            FeatureOffset = index * FeatureSchema.Count,
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
            _updates.Add(_extractor.ComputeAndApply(payment, vector));
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
    private Row? FindEarlier(Arrival arrival, string key, long hash, long fingerprint, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (_rows[i].Kind == OutcomeKind.Scored && _rows[i].Hash == hash && _rows[i].Key == key)
            {
                return _rows[i].Fingerprint == fingerprint ? Duplicate(key, i) : Conflict(arrival, key);
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
        return new Row
        {
            Kind = OutcomeKind.Duplicate,
            Key = key,
            ScoreIndex = -1,
            DuplicateOf = -1,
            DuplicateAnswer = found.Answer,
            Deferred = found.Kind == LookupKind.Stored ? LoadAnswerAsync(found.Sequence, key) : null,
        };
    }

    private Row Duplicate(string key, int first)
    {
        _metrics.CountDuplicate();
        return new Row { Kind = OutcomeKind.Duplicate, Key = key, ScoreIndex = -1, DuplicateOf = first };
    }

    private Row Conflict(Arrival arrival, string key)
    {
        _metrics.CountDuplicateConflict();
        return Rejected(arrival, [new ValidationError("transactionId", ValidationCodes.DuplicateConflict,
            "this transaction id was already used for a different payment; a retry repeats the payment exactly")], key);
    }

    /// <summary>
    /// A refusal. It is recorded as a dead letter (and numbered) while its sender stays within the dead-letter budget; past
    /// it, it is still answered and counted, but not kept, so a flood of bad payloads cannot fill the record or slow it.
    /// </summary>
    private Row Rejected(Arrival arrival, IReadOnlyList<ValidationError> errors, string? key = null)
    {
        _metrics.CountRejected(errors);
        _metrics.RecentRejections.Add(errors.Count > 0 ? errors[0].Code : ValidationCodes.InternalError, arrival.Address, arrival.Message.ReceivedAt);
        var kept = _deadLetters.TryTake(SenderOf(arrival));
        if (!kept)
        {
            _metrics.CountDeadLetterDropped();
        }

        return new Row
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

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Features of transaction {TransactionId} could not be computed; answered with the fallback decision")]
    private partial void LogFeaturesFailed(Exception exception, string transactionId);
}
