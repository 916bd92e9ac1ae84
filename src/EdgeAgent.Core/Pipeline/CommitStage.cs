using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The second loop: commits everything queued (outcomes, dead letters, the feature state they changed) in one
/// transaction, then hands the group on for acknowledgement. It runs beside the scoring loop, so the terminal's
/// answer never waits for the store; while it commits, the next batches queue up and form the next group.
/// </summary>
internal sealed partial class CommitStage
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ChannelReader<OutcomeBatch> _input;
    private readonly ChannelWriter<IReadOnlyList<OutcomeBatch>> _output;
    private readonly IOutcomeStore _store;
    private readonly PipelineOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IRecordingObserver? _observer;
    private readonly ILogger _logger;
    private List<OutcomeBatch> _pending = [];

    public CommitStage(
        ChannelReader<OutcomeBatch> input,
        ChannelWriter<IReadOnlyList<OutcomeBatch>> output,
        IOutcomeStore store,
        PipelineOptions options,
        PipelineMetrics metrics,
        TimeProvider time,
        IRecordingObserver? observer,
        ILogger logger)
    {
        _input = input;
        _output = output;
        _store = store;
        _options = options;
        _metrics = metrics;
        _time = time;
        _observer = observer;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _input.WaitToReadAsync(cancellationToken))
            {
                await GatherAsync(cancellationToken);

                var started = Stopwatch.GetTimestamp();
                foreach (var batch in _pending)
                {
                    if (batch.Outcomes.Count > 0)
                    {
                        _metrics.Stage(PipelineStage.Queue).RecordTicks(batch.Outcomes[^1].ScoredTimestamp, started);
                    }
                }

                await CommitWithRetryAsync(cancellationToken);
                _metrics.Stage(PipelineStage.Persist).RecordTicks(started, Stopwatch.GetTimestamp());
                _observer?.Committed(_pending);
                await _output.WriteAsync(_pending, cancellationToken);
                _pending = [];
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not committed, or committed but not handed on: either way not acknowledged, so redelivered.
            Abandon(_pending);
            while (_input.TryRead(out var batch))
            {
                Abandon([batch]);
            }

            throw;
        }
        finally
        {
            _output.TryComplete();
        }
    }

    /// <summary>
    /// Takes what is queued, then keeps taking for up to <see cref="PipelineOptions.CommitDelayMilliseconds"/> while
    /// the group is not full. Answers are already out, so the wait only delays acknowledgements, and it saves most
    /// commits at moderate rates (a commit costs about as much as dozens of inserts).
    /// </summary>
    private async Task GatherAsync(CancellationToken cancellationToken)
    {
        var outcomes = TakeQueued(0);
        var delay = _options.CommitDelayMilliseconds ?? 0;
        if (delay <= 0 || outcomes >= _options.MaxCommitBatch)
        {
            return;
        }

        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, cancellationToken);
        try
        {
            while (outcomes < _options.MaxCommitBatch && await _input.WaitToReadAsync(linked.Token))
            {
                outcomes = TakeQueued(outcomes);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window closed: commit what was gathered.
        }
    }

    private int TakeQueued(int outcomes)
    {
        while (outcomes < _options.MaxCommitBatch && _input.TryRead(out var batch))
        {
            _pending.Add(batch);
            outcomes += batch.Outcomes.Count;
        }

        return outcomes;
    }

    internal static void Abandon(IEnumerable<OutcomeBatch> batches)
    {
        foreach (var outcome in batches.SelectMany(b => b.Outcomes))
        {
            outcome.Message.Settlement.Abandon();
        }
    }

    private async Task CommitWithRetryAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                _store.Commit(_pending);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing is acknowledged until the commit succeeds; meanwhile the bounded channels fill and
                // back-pressure reaches the broker, which keeps the messages.
                _metrics.CountPersistFailure();
                LogCommitFailed(ex, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Commit failed; retrying in {DelayMs} ms with nothing acknowledged")]
    private partial void LogCommitFailed(Exception exception, double delayMs);
}
