using System.Threading.Channels;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The agent's hot path: transport → (bounded queue) → scoring loop, which answers → (bounded queue) → commit
/// loop → (bounded queue) → acknowledgement loop. The queues wait when full, so back-pressure reaches the
/// broker instead of memory growing or messages being dropped.
/// </summary>
public sealed partial class ScoringPipeline : IInboundSink
{
    private readonly Channel<InboundMessage> _ingest;
    private readonly Channel<OutcomeBatch> _records;
    private readonly Channel<IReadOnlyList<OutcomeBatch>> _committed;
    private readonly IOutcomeStore _store;
    private readonly PipelineOptions _options;
    private readonly FeatureState _state;
    private readonly ScoringStage _scoring;
    private readonly CommitStage _commit;
    private readonly AcknowledgeStage _acknowledge;
    private readonly DuplicateIndex _duplicates;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ScoringPipeline(
        PaymentParser parser,
        IScorerSource scorers,
        IOutcomeStore store,
        IAnswerPublisher publisher,
        PipelineOptions options,
        DecisionPolicy decisions,
        PipelineMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        IRecordingObserver? observer = null,
        IScorerSource? shadow = null)
    {
        _store = store;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<ScoringPipeline>();
        // Only the light acknowledgement loop continues on the thread that hands it work (one thread hop less);
        // receiving, scoring and committing run side by side, which is what lets batches form under load.
        _ingest = Bounded<InboundMessage>(options.IngestCapacity, singleWriter: false, inline: false);
        _records = Bounded<OutcomeBatch>(options.RecordCapacity, singleWriter: true, inline: false);
        _committed = Bounded<IReadOnlyList<OutcomeBatch>>(options.RecordCapacity, singleWriter: true, inline: true);
        _state = new FeatureState(store, options.MaxCardsInMemory);
        _duplicates = new DuplicateIndex(store, options.DuplicateMemory, TimeSpan.FromHours(options.DeduplicationWindowHours));
        _scoring = new ScoringStage(_ingest.Reader, _records.Writer, parser, _state, scorers, shadow, _duplicates, options, decisions, metrics,
            publisher, observer, loggers.CreateLogger<ScoringStage>());
        _commit = new CommitStage(_records.Reader, _committed.Writer, store, options, metrics, time, observer, loggers.CreateLogger<CommitStage>());
        _acknowledge = new AcknowledgeStage(_committed.Reader, metrics, loggers.CreateLogger<AcknowledgeStage>());
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
        var stored = _store.LoadState(_options.MaxCardsInMemory);
        _state.Restore(stored.Cards, stored.Merchants);
        _scoring.Replay(stored.Journal, _store.LastSequence);
        _duplicates.Preload(_store.RecentKeys(_time.GetUtcNow() - TimeSpan.FromHours(_options.DeduplicationWindowHours)));
        LogStateRestored(stored.Cards.Count, stored.Merchants.Count, stored.Journal.Count, _duplicates.Count);

        var scoring = Task.Run(() => _scoring.RunAsync(cancellationToken), CancellationToken.None);
        var commit = Task.Run(() => _commit.RunAsync(cancellationToken), CancellationToken.None);
        var acknowledge = Task.Run(() => _acknowledge.RunAsync(cancellationToken), CancellationToken.None);
        try
        {
            await Task.WhenAll(scoring, commit, acknowledge);
        }
        finally
        {
            while (_ingest.Reader.TryRead(out var message))
            {
                message.Settlement.Abandon();
            }
        }
    }

    private static Channel<T> Bounded<T>(int capacity, bool singleWriter, bool inline) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = singleWriter,
            AllowSynchronousContinuations = inline,
            FullMode = BoundedChannelFullMode.Wait,
        });

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Feature state restored: {Cards} cards and {Merchants} merchants from the last snapshot, {Journal} payments replayed from the journal; {Keys} payments within the deduplication window")]
    private partial void LogStateRestored(int cards, int merchants, int journal, int keys);
}
