using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Records;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cloud.Fleet;

/// <summary>
/// Feeds the fleet link from the record, so the record is the outbox: a payment's delta is read once its outcome is
/// committed (a payment never recorded is never sent), and the position "the fleet has receipted every delta up to
/// sequence N" is saved beside the record only after the fleet's receipts came. After a crash the agent reads again from
/// there: what was sent and not yet saved goes twice (the fleet counts it once, by payment id), nothing recorded is lost.
/// The link's memory holds at most <see cref="FleetLinkOptions.MaxOutbox"/> deltas; beyond that they wait in the record.
/// Deltas older than the card windows (seven days) are not read: the fleet would refuse them as expired.
/// </summary>
public sealed partial class FleetOutbox : IDisposable
{
    /// <summary>Id of the saved position in the checkpoint table.</summary>
    public const string CursorId = "fleet.sent";

    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly FleetLink _link;
    private readonly IOutcomeLog _log;
    private readonly ICheckpointTable _checkpoints;
    private readonly FleetLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _committed = new(0, 1);
    private long _read;
    private long _sent;
    private long _lastFailureLogged;
    private int _unloggedFailures;

    /// <summary>Loads the saved position; made before the pipeline runs (the agent makes it with the pipeline), since it writes.</summary>
    public FleetOutbox(FleetLink link, IOutcomeLog log, ICheckpointTable checkpoints, FleetLinkOptions options, TimeProvider time, ILogger<FleetOutbox> logger)
    {
        _link = link;
        _log = log;
        _checkpoints = checkpoints;
        _options = options;
        _time = time;
        _logger = logger;
        _sent = checkpoints.LoadValue(CursorId);

        // Written once here, at start, before the record loop commits: LiteDB must not create the collection while
        // another thread holds a commit's transaction (seen to corrupt the file, "page type must be collection page").
        checkpoints.SaveValue(CursorId, _sent);
        _read = _sent;
        _log.Committed += OnCommitted;
    }

    /// <summary>Every delta up to this sequence is with the fleet (receipted), as saved; the record must keep what follows.</summary>
    public long SentUpTo => Interlocked.Read(ref _sent);

    /// <summary>Outcomes on record after <see cref="SentUpTo"/>: what the fleet may still be owed (refusals among them).</summary>
    public long RecordBehind => Math.Max(0, _log.LastSequence - SentUpTo);

    /// <summary>Reads what was committed into the link, sends it, and saves the position, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LogResuming(SentUpTo, _log.LastSequence);
        var interval = _options.FlushInterval > TimeSpan.Zero ? _options.FlushInterval : TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A pass per LiteDB commit (or per interval, to retry): the record gathers what was acknowledged for up to
                // Pipeline:RecordIntervalMilliseconds, with the link on the flush interval itself, so each commit is that
                // interval's deltas in one message, and a delta leaves about one interval after its payment. A second wait
                // here, for the interval since the last pass, made that up to two.
                await PassAsync(cancellationToken);
                await _committed.WaitAsync(interval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The link dropped mid-batch, or the record could not be read: the deltas stay queued or on record.
                if (_lastFailureLogged == 0 || _time.GetElapsedTime(_lastFailureLogged) >= TimeSpan.FromMinutes(1))
                {
                    _lastFailureLogged = _time.GetTimestamp();
                    LogPassFailed(ex.Message, _unloggedFailures);
                    _unloggedFailures = 0;
                }
                else
                {
                    _unloggedFailures++;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass: reads what the record holds beyond what is queued, sends it while the link is up, saves the position.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        Fill();
        if (_link.Outbox > 0 && _link.IsUp)
        {
            await _link.FlushAsync(cancellationToken);
        }

        // Only one reader fills the link, and a delta leaves it only with its receipt: empty means all up to _read is in.
        if (_link.Outbox == 0 && _read > SentUpTo)
        {
            _checkpoints.SaveValue(CursorId, _read);
            Interlocked.Exchange(ref _sent, _read);
        }
    }

    public void Dispose()
    {
        _log.Committed -= OnCommitted;
        _committed.Dispose();
    }

    private void Fill()
    {
        var page = Math.Max(_options.MaxBatchDeltas * 4, 256);
        var oldest = (_time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();
        while (_link.Outbox + page <= _options.MaxOutbox)
        {
            var outcomes = _log.ReadAfter(_read, page);
            foreach (var outcome in outcomes)
            {
                if (FleetDelta.Of(outcome) is { } delta && delta.EventUnixMs >= oldest)
                {
                    _link.Enqueue(delta);
                }

                _read = outcome.Sequence;
            }

            if (outcomes.Count < page)
            {
                return;
            }
        }
    }

    private void OnCommitted(long sequence)
    {
        // Handlers must not block the commit loop: a wake-up at most, never a wait.
        if (_committed.CurrentCount == 0)
        {
            try
            {
                _committed.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    [LoggerMessage(EventId = 446, Level = LogLevel.Information, Message = "Fleet outbox: the fleet has every delta up to sequence {SentUpTo}; the record is at {Last}, the rest goes from there")]
    private partial void LogResuming(long sentUpTo, long last);

    [LoggerMessage(EventId = 447, Level = LogLevel.Warning, Message = "Fleet outbox pass did not finish ({Reason}); the deltas stay queued and on record; {Unlogged} more since the last line (at most one a minute)")]
    private partial void LogPassFailed(string reason, int unlogged);
}
