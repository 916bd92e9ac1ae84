using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The scoring loop, without a thread of its own: whichever receiving thread finds it idle runs it, draining whatever is
/// queued in batches, so at light load a payment is parsed, scored and answered on the thread that received it, with no
/// hand-off, and under load the payments that queue up meanwhile form the next batch by themselves. Only one thread runs
/// it at a time, so the feature state and the duplicate index it owns see payments strictly in arrival order. The queue
/// is bounded: when it is full, receiving waits, which is how back-pressure reaches the broker. What it hands to the
/// record loop is bounded in payments (<see cref="RecordBacklog"/>): when the device falls behind by more than that, the
/// loop waits with its batch already answered, and the intake queue fills behind it.
/// </summary>
internal sealed partial class ScoringLoop : IDisposable
{
    private readonly ConcurrentQueue<Arrival> _queue = new();
    private readonly SemaphoreSlim _space;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly List<Arrival> _batch = [];
    private readonly BatchScoring _scoring;
    private readonly ChannelWriter<AnsweredBatch> _output;
    private readonly RecordBacklog _backlog;
    private readonly LogThrottle _waitLog;
    private readonly IntakeGate _gate;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly FirstSights? _firstSights;
    private volatile bool _completed;
    private int _completing;

    public ScoringLoop(BatchScoring scoring, ChannelWriter<AnsweredBatch> output, RecordBacklog backlog, IntakeGate gate, int capacity,
        PipelineMetrics metrics, TimeProvider time, ILogger logger, FirstSights? firstSights = null)
    {
        _firstSights = firstSights;
        _scoring = scoring;
        _output = output;
        _backlog = backlog;
        _waitLog = new LogThrottle(time, TimeSpan.FromMinutes(1));
        _gate = gate;
        _space = new SemaphoreSlim(capacity, capacity);
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Messages waiting to be scored.</summary>
    public int Queued => _queue.Count;

    /// <summary>Queues a message and, when no other thread is scoring, scores what is queued on this one.</summary>
    public async ValueTask EnqueueAsync(Arrival arrival, CancellationToken cancellationToken)
    {
        if (!_gate.IsOpen)
        {
            await _gate.WaitOpenAsync(cancellationToken);
        }

        await _space.WaitAsync(cancellationToken);
        if (_completed)
        {
            _space.Release();
            throw new ChannelClosedException("the agent is stopping");
        }

        _queue.Enqueue(arrival);
        while (!_queue.IsEmpty && _turn.Wait(0, CancellationToken.None))
        {
            try
            {
                await DrainAsync();
            }
            finally
            {
                _turn.Release();
            }

            // Checked again after the release: a message queued while this thread was finishing is never left behind.
        }
    }

    /// <summary>Takes no more messages, scores what is queued, and completes the output with a final snapshot.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _completed = true;
        if (Interlocked.Exchange(ref _completing, 1) != 0)
        {
            return;
        }

        await _turn.WaitAsync(cancellationToken);
        try
        {
            await DrainAsync();

            // A graceful stop leaves a fresh snapshot, so the next start has no journal to replay.
            await _output.WriteAsync(_scoring.FinalSnapshot(), cancellationToken);
        }
        finally
        {
            _output.TryComplete();
            _turn.Release();
        }
    }

    /// <summary>Gives back the messages still queued when the agent is aborted: they are not acknowledged, so they come again.</summary>
    public void Abandon()
    {
        while (_queue.TryDequeue(out var arrival))
        {
            arrival.Message.Settlement.Abandon();
        }
    }

    public void Dispose()
    {
        _space.Dispose();
        _turn.Dispose();
    }

    private async ValueTask DrainAsync()
    {
        while (TakeBatch())
        {
            if (_firstSights is not null)
            {
                await FetchFirstSightsAsync();
            }

            AnsweredBatch scored;
            try
            {
                scored = _scoring.Score(_batch);
            }
            catch (Exception ex)
            {
                // Every message is handled in isolation inside; reaching here is a bug. The batch is still answered
                // (refused) and recorded, so nothing is lost and the loop goes on.
                _metrics.CountInternalError();
                LogBatchFailed(ex, _batch.Count);
                scored = _scoring.Refuse(_batch);
            }

            _batch.Clear();
            await HandOverAsync(scored);
        }
    }

    /// <summary>
    /// At most one fetch budget for the whole batch (the payments queued meanwhile form the next one). Whatever goes wrong
    /// with the fleet costs the batch its profiles, never its scoring.
    /// </summary>
    private async Task FetchFirstSightsAsync()
    {
        try
        {
            await _firstSights!.BeforeScoringAsync(_batch);
        }
        catch (Exception ex)
        {
            LogFirstSightsFailed(ex, _batch.Count);
        }
    }

    /// <summary>
    /// Hands an answered batch to the record loop; waits first while the payments not yet recorded are at the bound, so a
    /// device that falls further behind than the bound covers pauses intake instead of growing memory.
    /// </summary>
    private async ValueTask HandOverAsync(AnsweredBatch scored)
    {
        var payments = scored.Batch.Outcomes.Count;
        if (!_backlog.TryAdmit(payments))
        {
            _metrics.CountRecordWait();
            LogWaitThrottled();
            await _backlog.AdmitAsync(payments, CancellationToken.None);
        }

        if (!_output.TryWrite(scored))
        {
            await _output.WriteAsync(scored);
        }
    }

    /// <summary>One line a minute at most while the device keeps the bound full; the metric counts every wait.</summary>
    private void LogWaitThrottled()
    {
        if (_waitLog.TryLog(out var unlogged))
        {
            LogRecordWait(_backlog.Payments, _backlog.Capacity, unlogged);
        }
    }

    /// <summary>
    /// Takes what is queued, up to a batch. A message that was in an earlier crash is taken alone, so that if it
    /// crashes the agent again the blame falls on it and not on the payments beside it.
    /// </summary>
    private bool TakeBatch()
    {
        var max = _scoring.MaxBatchSize;
        while (_batch.Count < max && _queue.TryPeek(out var next))
        {
            if (next.Isolated && _batch.Count > 0)
            {
                break;
            }

            _queue.TryDequeue(out _);
            _space.Release();
            _batch.Add(next);
            if (next.Isolated)
            {
                break;
            }
        }

        return _batch.Count > 0;
    }

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "{Payments} payments are answered and not yet recorded (Pipeline:RecordBacklog {Capacity}): the device is behind, and intake waits for it; {Unlogged} more such waits since the last line (at most one a minute)")]
    private partial void LogRecordWait(int payments, int capacity, long unlogged);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "The fleet's profiles for a batch of {Count} could not be fetched; it is scored on local history")]
    private partial void LogFirstSightsFailed(Exception exception, int count);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Scoring a batch of {Count} failed; its payments were refused with internal_error and the loop goes on")]
    private partial void LogBatchFailed(Exception exception, int count);
}
