using System.Threading.Channels;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The agent's hot path: transport → (bounded queue) → scoring loop → (bounded queue) → recording loop →
/// answers and acknowledgements. The queues wait when full, so back-pressure reaches the broker instead of
/// memory growing or messages being dropped.
/// </summary>
public sealed partial class ScoringPipeline
{
    private readonly Channel<InboundMessage> _ingest;
    private readonly Channel<OutcomeBatch> _records;
    private readonly IOutcomeStore _store;
    private readonly PipelineOptions _options;
    private readonly FeatureState _state;
    private readonly ScoringStage _scoring;
    private readonly RecordingStage _recording;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;

    public ScoringPipeline(
        PaymentParser parser,
        IScorerSource scorers,
        IOutcomeStore store,
        IAnswerPublisher publisher,
        PipelineOptions options,
        DecisionOptions decisions,
        PipelineMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _store = store;
        _options = options;
        _metrics = metrics;
        _logger = loggers.CreateLogger<ScoringPipeline>();
        _ingest = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(options.IngestCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _records = Channel.CreateBounded<OutcomeBatch>(new BoundedChannelOptions(options.RecordCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _state = new FeatureState(store, options.MaxCardsInMemory);
        var duplicates = new DuplicateIndex(store, options.DuplicateMemory);
        _scoring = new ScoringStage(_ingest.Reader, _records.Writer, parser, _state, scorers, duplicates, options, decisions, metrics,
            loggers.CreateLogger<ScoringStage>());
        _recording = new RecordingStage(_records.Reader, store, publisher, options, metrics, time, loggers.CreateLogger<RecordingStage>());
    }

    /// <summary>Messages queued for scoring.</summary>
    public int QueuedMessages => _ingest.Reader.Count;

    /// <summary>Cards whose history is in memory.</summary>
    public int CardsInMemory => _state.CardCount;

    /// <summary>Hands a received message to the pipeline; waits while the pipeline is full.</summary>
    public ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        _metrics.CountReceived();
        return _ingest.Writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>No more messages will come: the loops finish what is queued and <see cref="RunAsync"/> returns.</summary>
    public void CompleteInput() => _ingest.Writer.TryComplete();

    /// <summary>
    /// Restores the feature state, then runs both loops until the input is completed and drained (a graceful
    /// stop) or <paramref name="cancellationToken"/> fires (whatever is not recorded then is abandoned, for the
    /// broker to redeliver).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (cards, terminals) = _store.LoadState(_options.MaxCardsInMemory);
        _state.Restore(cards, terminals);
        LogStateRestored(cards.Count, terminals.Count);

        var scoring = Task.Run(() => _scoring.RunAsync(cancellationToken), CancellationToken.None);
        var recording = Task.Run(() => _recording.RunAsync(cancellationToken), CancellationToken.None);
        try
        {
            await Task.WhenAll(scoring, recording);
        }
        finally
        {
            while (_ingest.Reader.TryRead(out var message))
            {
                message.Settlement.Abandon();
            }
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Feature state restored: {Cards} cards, {Terminals} terminals")]
    private partial void LogStateRestored(int cards, int terminals);
}
