using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The first loop: takes whatever messages are queued (up to a batch, never waiting for more), validates,
/// tokenizes, checks for duplicates, computes features, scores the batch in one model run, decides and answers
/// the terminals. One loop owns the feature state, so payments update it strictly in arrival order. Recording
/// and acknowledgement follow on the next loops, off the terminal's path.
/// </summary>
internal sealed partial class ScoringStage
{
    private readonly ChannelReader<InboundMessage> _input;
    private readonly ChannelWriter<OutcomeBatch> _output;
    private readonly PaymentParser _parser;
    private readonly FeatureState _state;
    private readonly FeatureExtractor _extractor;
    private readonly IScorerSource _scorers;
    private readonly ShadowScoring? _shadow;
    private readonly AnswerSender _answers;
    private readonly DuplicateIndex _duplicates;
    private readonly PipelineOptions _options;
    private readonly DecisionPolicy _decisions;
    private readonly PipelineMetrics _metrics;
    private readonly IRecordingObserver? _observer;
    private readonly ILogger _logger;
    private readonly List<InboundMessage> _messages = [];
    private readonly long _snapshotTicks;
    private List<FeatureUpdate> _updates = [];
    private long _nextSnapshot;
    private long _sequence;
    private Outcome[] _rows = [];
    private float[] _scores = [];

    public ScoringStage(
        ChannelReader<InboundMessage> input,
        ChannelWriter<OutcomeBatch> output,
        PaymentParser parser,
        FeatureState state,
        IScorerSource scorers,
        IScorerSource? shadow,
        DuplicateIndex duplicates,
        PipelineOptions options,
        DecisionPolicy decisions,
        PipelineMetrics metrics,
        IAnswerPublisher publisher,
        IRecordingObserver? observer,
        ILogger logger)
    {
        _input = input;
        _output = output;
        _parser = parser;
        _state = state;
        _extractor = new FeatureExtractor(state);
        _scorers = scorers;
        _shadow = shadow is null ? null : new ShadowScoring(shadow, decisions, metrics, logger);
        _answers = new AnswerSender(publisher, metrics);
        _duplicates = duplicates;
        _options = options;
        _decisions = decisions;
        _metrics = metrics;
        _observer = observer;
        _logger = logger;
        _snapshotTicks = (long)(options.StateSnapshotSeconds * Stopwatch.Frequency);
        _nextSnapshot = Stopwatch.GetTimestamp() + _snapshotTicks;
    }

    /// <summary>
    /// Replays the journal over the restored snapshot, at start, before any message is taken; new outcomes are
    /// numbered after <paramref name="lastSequence"/>.
    /// </summary>
    public void Replay(IEnumerable<FeatureUpdate> journal, long lastSequence)
    {
        _sequence = lastSequence;
        foreach (var update in journal)
        {
            _extractor.Apply(update);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _input.WaitToReadAsync(cancellationToken))
            {
                OutcomeBatch batch;
                using (var lease = _scorers.Rent())
                {
                    var scorer = lease.Scorer;
                    var max = Math.Min(_options.MaxBatchSize, scorer.MaxBatchSize);
                    while (_messages.Count < max && _input.TryRead(out var message))
                    {
                        _messages.Add(message);
                    }

                    batch = ScoreBatch(scorer);
                }

                _messages.Clear();
                if (_observer is not null)
                {
                    await Task.WhenAll(batch.Answers);
                    _observer.Answered(batch);
                }

                await _output.WriteAsync(batch, cancellationToken);
            }

            // A graceful stop leaves a fresh snapshot, so the next start has no journal to replay.
            await _output.WriteAsync(new OutcomeBatch([], [], _state.TakeChanges(), []), cancellationToken);
        }
        finally
        {
            _output.TryComplete();
        }
    }

    private OutcomeBatch ScoreBatch(IScorer scorer)
    {
        var outcomes = new List<Outcome>(_messages.Count);
        if (_rows.Length < _messages.Count)
        {
            _rows = new Outcome[_messages.Count];
            _scores = new float[_messages.Count];
        }

        var input = scorer.InputRows(_messages.Count);
        var rows = 0;
        foreach (var message in _messages)
        {
            var started = Stopwatch.GetTimestamp();
            _metrics.Stage(PipelineStage.IngestWait).RecordTicks(message.ReceivedTimestamp, started);
            var outcome = Evaluate(message, input, ref rows);
            outcomes.Add(outcome);
            outcome.ScoredTimestamp = Stopwatch.GetTimestamp();
            _metrics.Stage(PipelineStage.ValidateAndFeatures).RecordTicks(started, outcome.ScoredTimestamp);
        }

        if (rows > 0)
        {
            ScoreRows(scorer, rows);
        }

        var updates = _updates;
        _updates = [];
        FeatureStateChanges? snapshot = null;
        var now = Stopwatch.GetTimestamp();
        if (now >= _nextSnapshot)
        {
            snapshot = _state.TakeChanges();
            _nextSnapshot = now + _snapshotTicks;
        }

        return new OutcomeBatch(outcomes, updates, snapshot, _answers.Send(outcomes));
    }

    private Outcome Evaluate(InboundMessage message, Span<float> input, ref int rows)
    {
        var result = _parser.Parse(message.Topic, message.Payload);
        var answerTopic = !string.IsNullOrEmpty(message.ResponseTopic) ? message.ResponseTopic
            : result.Address?.DecisionsTopic(_options.TopicRoot);

        if (result.Event is not { } payment)
        {
            var redacted = PanRedactor.Redact(message.Payload);
            Array.Clear(message.Payload);
            _metrics.CountRejected(result.Errors);
            _metrics.RecentRejections.Add(result.Errors[0].Code, result.Address, message.ReceivedAt);
            LogRejected(result.TransactionId ?? "(none)", result.Errors[0].Code, result.Errors.Count);
            return Outcome.Rejected(message, ++_sequence, result, answerTopic, redacted);
        }

        // The payload held the card number; nothing needs it once the event is parsed.
        Array.Clear(message.Payload);
        var key = payment.DeduplicationKey;
        if (_duplicates.Find(key) is { } earlier)
        {
            _metrics.CountDuplicate();
            return Outcome.Duplicate(message, payment, answerTopic, earlier);
        }

        var features = input.Slice(rows * FeatureSchema.Count, FeatureSchema.Count);
        _updates.Add(_extractor.ComputeAndApply(payment, features));
        var outcome = Outcome.Scored(message, ++_sequence, payment, answerTopic, features.ToArray());
        _duplicates.Add(key, outcome.Sequence, message.ReceivedAt, outcome.Answer);
        _rows[rows++] = outcome;
        return outcome;
    }

    private void ScoreRows(IScorer scorer, int rows)
    {
        var thresholds = _decisions.Resolve(scorer.Thresholds);
        var started = Stopwatch.GetTimestamp();
        var scored = false;
        try
        {
            scorer.Score(rows, _scores.AsSpan(0, rows));
            scored = true;
        }
        catch (Exception ex)
        {
            // The payments are already part of the feature state, so they must be recorded and answered
            // now rather than retried: the fallback decision answers them, marked as unscored.
            _metrics.CountModelError();
            LogModelFailed(ex, rows, scorer.Model.ToString());
        }

        _metrics.Stage(PipelineStage.Inference).RecordTicks(started, Stopwatch.GetTimestamp());
        _metrics.CountInference(rows);

        for (var i = 0; i < rows; i++)
        {
            var outcome = _rows[i];
            outcome.Model = scorer.Model;
            if (scored)
            {
                outcome.Score = _scores[i];
                outcome.Decision = thresholds.Decide(_scores[i]);
            }
            else
            {
                outcome.Decision = _decisions.FallbackDecision;
            }

            _metrics.CountScored(outcome.Decision);
        }

        if (_shadow is not null && scored)
        {
            _shadow.Score(scorer, _rows.AsSpan(0, rows));
        }

        Array.Clear(_rows, 0, rows);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Rejected transaction {TransactionId}: {Code} ({ErrorCount} errors)")]
    private partial void LogRejected(string transactionId, string code, int errorCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model {Model} failed on a batch of {Rows}; answered with the fallback decision")]
    private partial void LogModelFailed(Exception exception, int rows, string model);
}
