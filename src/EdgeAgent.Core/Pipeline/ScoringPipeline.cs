using System.Threading.Channels;
using EdgeAgent.Core.Features;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The agent's hot path. On the thread that received a message: intake (checks, parsing and tokenization, wiping the
/// payload), then the scoring loop, run by whichever receiving thread finds it idle (features, model, decision, answer,
/// answer journal). Then one hand-off, bounded in payments (<see cref="PipelineOptions.RecordBacklog"/>), to the record
/// loop (durable group commit, then acknowledgement in arrival order). Queues wait when full, so back-pressure reaches the broker instead of memory growing
/// or messages being dropped.
/// </summary>
public sealed partial class ScoringPipeline : IInboundSink, IDisposable
{
    private readonly PipelineParts _parts;
    private readonly FeatureState _state;
    private readonly DuplicateIndex _duplicates;
    private readonly PaymentIntake _intake;
    private readonly BatchScoring _scoring;
    private readonly ScoringLoop _loop;
    private readonly RecordLoop _record;
    private readonly RecordBacklog _backlog;
    private readonly Channel<AnsweredBatch> _records;
    private readonly ILogger _logger;

    /// <summary>A pipeline built from <paramref name="parts"/>.</summary>
    public ScoringPipeline(PipelineParts parts, ILoggerFactory loggers)
    {
        _parts = parts;
        _logger = loggers.CreateLogger<ScoringPipeline>();
        var options = parts.Options;
        // Bounded in payments by the backlog, not in batches by the channel.
        // One writer is the scoring loop; the other wakes the record loop when the pipeline is cancelled (see RunAsync). The
        // reader is the record loop's own thread, blocked in its wait: a write wakes it directly, not through a pool worker.
        var records = _records = Channel.CreateUnbounded<AnsweredBatch>(
            new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
        _backlog = new RecordBacklog(options.RecordBacklog);
        _state = parts.FeatureState ?? new FeatureState(parts.Store, options.MaxCardsInMemory, options.MaxMerchantsInMemory);
        _duplicates = new DuplicateIndex(options.DuplicateMemory, options.MaxDuplicateKeys, TimeSpan.FromHours(options.DeduplicationWindowHours));
        var checks = new MessageChecks(parts.Validation, options.TopicRoot);
        _intake = new PaymentIntake(parts.Parser, checks, parts.Ledger, _state, parts.Store, options, parts.Metrics, loggers.CreateLogger<PaymentIntake>(),
            new Payments.Encryption.PanRefusalLog(parts.Time, TimeSpan.FromMinutes(1), loggers.CreateLogger<Payments.Encryption.PanRefusalLog>()));
        _scoring = new BatchScoring(parts, _state, _duplicates);
        _loop = new ScoringLoop(_scoring, records.Writer, _backlog, parts.Gate, options.IngestCapacity, parts.Metrics, parts.Time,
            loggers.CreateLogger<ScoringLoop>(), parts.FirstSight is { } fetch ? new FirstSights(fetch, _state) : null);
        _record = new RecordLoop(records.Reader, _backlog, parts.Store, parts.Journal, parts.Gate, options, parts.Metrics, parts.Time,
            parts.Observer, loggers.CreateLogger<RecordLoop>());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _loop.Dispose();
        _scoring.Dispose();
    }

    /// <summary>Messages queued for scoring.</summary>
    public int QueuedMessages => _loop.Queued;

    /// <summary>Payments answered and not yet recorded and acknowledged.</summary>
    public int UnrecordedPayments => _backlog.Payments;

    /// <summary>Cards whose history is in memory.</summary>
    public int CardsInMemory => _state.CardCount;

    /// <summary>Merchants whose activity is in memory.</summary>
    public int MerchantsInMemory => _state.MerchantCount;

    /// <summary>Cards and merchants that left memory for the store.</summary>
    public long StateEvictions => _state.Evictions;

    /// <summary>Card or merchant states the scoring loop had to read itself (intake could not read them ahead).</summary>
    public long ColdReads => _state.ColdReads;

    /// <summary>Payments remembered for duplicate detection.</summary>
    public int DuplicateKeys => _duplicates.Count;

    /// <summary>Payments the cap pushed out of the duplicate window early.</summary>
    public long DuplicatesEvicted => _duplicates.Evicted;

    /// <summary>Whether intake is open, and why not.</summary>
    public IntakeGate Gate => _parts.Gate;

    /// <summary>Takes a received message: intake here, then scoring, here too when the loop is idle. Waits while the pipeline is full.</summary>
    public ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        _parts.Metrics.CountReceived();
        return _loop.EnqueueAsync(_intake.Accept(message), cancellationToken);
    }

    /// <summary>
    /// Restores the feature state and the duplicate index from the record, then runs the record loop until
    /// <see cref="CompleteAsync"/> has drained everything (a graceful stop) or <paramref name="cancellationToken"/> fires
    /// (whatever is not recorded then is left for the broker to redeliver).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The record loop waits for batches without the token, because a channel's wait with a token allocates at every
        // commit; a cancellation wakes it with an empty hand-over instead, and it stops there.
        using var wake = cancellationToken.Register(static records => ((ChannelWriter<AnsweredBatch>)records!).TryWrite(default), _records.Writer);
        try
        {
            await _record.RunAsync(cancellationToken);
        }
        finally
        {
            _loop.Abandon();
        }
    }

    /// <summary>Loads what the record knows; call once, before the transport starts delivering.</summary>
    public void Restore()
    {
        // The caps of steady state hold at start too: merchant ids are chosen by terminals, so the store may hold any number.
        var options = _parts.Options;
        var stored = _parts.Store.LoadState(options.MaxCardsInMemory, options.MaxMerchantsInMemory, _state.RememberStoredCard, _state.RememberStoredMerchant);
        _state.Restore(stored.Cards, stored.Merchants);
        _scoring.Replay(stored.Journal);
        _scoring.StartAfter(_parts.Store.LastSequence);
        _duplicates.Preload(_parts.Store.RecentKeys(_parts.Time.GetUtcNow() - TimeSpan.FromHours(options.DeduplicationWindowHours)));
        _parts.Metrics.CountStateLeftAtStart("card", stored.CardsLeft);
        _parts.Metrics.CountStateLeftAtStart("merchant", stored.MerchantsLeft);
        LogStateRestored(stored.Cards.Count, stored.Merchants.Count, stored.Journal.Count, _duplicates.Count);
        if (stored.CardsLeft > 0 || stored.MerchantsLeft > 0)
        {
            LogStateLeft(stored.CardsLeft, stored.MerchantsLeft, options.MaxCardsInMemory, options.MaxMerchantsInMemory);
        }
    }

    /// <summary>No more messages will come: what is queued is scored, recorded and acknowledged, and <see cref="RunAsync"/> returns.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => _loop.CompleteAsync(cancellationToken);

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Feature state restored: {Cards} cards and {Merchants} merchants from the last snapshot, {Journal} payments replayed from the journal; {Keys} payments within the deduplication window")]
    private partial void LogStateRestored(int cards, int merchants, int journal, int keys);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "{Cards} stored cards and {Merchants} stored merchants left in the store at start (caps: Pipeline:MaxCardsInMemory {MaxCards}, Pipeline:MaxMerchantsInMemory {MaxMerchants}); each is read when it pays again")]
    private partial void LogStateLeft(long cards, long merchants, int maxCards, int maxMerchants);
}
