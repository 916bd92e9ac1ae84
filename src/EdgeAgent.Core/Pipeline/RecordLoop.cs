using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The record loop: makes each group of answered batches durable, then acknowledges its messages in arrival order once
/// their answers are with the broker. With an answer journal, durable means in the journal: one flush of it for everything
/// queued (a group commit) is the acknowledgement point, and LiteDB is fed from the same journaled bytes behind it, in
/// larger groups (<see cref="PipelineOptions.RecordGroupPayments"/> or <see cref="PipelineOptions.RecordIntervalMilliseconds"/>),
/// off the acknowledgement path (<c>RecordLoop.Feed.cs</c>). A batch the journal did not take, or any batch without a
/// journal, is committed into LiteDB before it is acknowledged. While it flushes, the scoring loop goes on answering, and
/// what it hands over meanwhile forms the next group. A device that cannot take the journal or the record (full, gone)
/// pauses intake until it can; content that cannot be recorded is isolated to the one outcome that fails.
/// </summary>
internal sealed partial class RecordLoop(
    ChannelReader<AnsweredBatch> input,
    RecordBacklog backlog,
    IOutcomeStore store,
    IAnswerJournal? journal,
    IntakeGate gate,
    PipelineOptions options,
    PipelineMetrics metrics,
    TimeProvider time,
    IRecordingObserver? observer,
    ILogger logger)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The group being made durable and acknowledged: its batches, and beside them their answers (<see cref="_answers"/>).</summary>
    private readonly List<ScoredBatch> _pending = [];
    private readonly List<IReadOnlyList<Task>> _answers = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var feeding = OnOwnThread("Record", Feed, cancellationToken);
        try
        {
            var acknowledging = OnOwnThread("Group commit", AcknowledgeLoop, cancellationToken);
            if (await Task.WhenAny(acknowledging, feeding) == feeding && feeding.IsFaulted)
            {
                // LiteDB gave up (the device gone for longer than the grace): the agent stops, whatever the loop is doing.
                Observe(acknowledging);
                await feeding;
            }

            try
            {
                await acknowledging;
            }
            catch
            {
                Observe(feeding);
                throw;
            }

            // A graceful stop: everything acknowledged goes into LiteDB before the loop returns.
            CompleteFeed();
            await feeding;
        }
        finally
        {
            backlog.Close();
        }
    }

    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>
    /// Runs one of the record's two loops on a thread of its own: the acknowledge loop (the group commit's), which blocks in
    /// the journal's flush and sleeps out the commit window, and the feed, which blocks in LiteDB's commit. On the thread
    /// pool a device stalling for seconds held a pool worker through every stall, and the answers' own continuations then
    /// waited for the pool to grow: at 1,000 payments/s with flushes stalling 0.4 to 2.2 s, the answers' p99 went from 5 ms
    /// to 690 ms (docs/benchmarks.md, "A stalling device on demand").
    /// </summary>
    private static Task OnOwnThread(string name, Action<CancellationToken> loop, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop(cancellationToken);
                done.SetResult();
            }
            catch (OperationCanceledException ex)
            {
                done.SetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private void AcknowledgeLoop(CancellationToken cancellationToken)
    {
        using var handedOver = new AutoResetEvent(false);
        var handOver = () => { handedOver.Set(); };
        try
        {
            // No token for the wait: the pipeline wakes this loop with an empty hand-over when it is cancelled.
            while (WaitForBatches(handedOver, handOver))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Gather(cancellationToken);
                if (_pending.Count == 0)
                {
                    continue;
                }

                var started = time.GetTimestamp();
                foreach (var batch in _pending)
                {
                    if (batch.Outcomes.Count > 0)
                    {
                        metrics.Stage(PipelineStage.Queue).RecordTicks(batch.Outcomes[^1].AnsweredTimestamp, started);
                    }
                }

                MakeDurable(cancellationToken);
                metrics.Stage(PipelineStage.Persist).RecordTicks(started, time.GetTimestamp());
                observer?.Committed(_pending);
                Acknowledge(cancellationToken);
                _pending.Clear();
                _answers.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not durable, or not yet acknowledged: either way the broker delivers these again.
            Abandon(_pending);
            while (input.TryRead(out var answered))
            {
                if (answered.Batch is { } batch)
                {
                    Abandon([batch]);
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Hands the group to LiteDB's feed, and makes it durable: by one flush of the journal when every batch with records is
    /// in it, else by waiting for LiteDB to commit the group (and everything before it, in order).
    /// </summary>
    private void MakeDurable(CancellationToken cancellationToken)
    {
        var journaled = journal is not null;
        var outcomes = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            journaled &= !_pending[i].Journaled.IsEmpty || !HasRecords(_pending[i]);
            outcomes += _pending[i].Outcomes.Count;
        }

        var ticket = Feed(_pending, urgent: !journaled);
        if (journaled && outcomes > 0)
        {
            FlushJournal(cancellationToken);
        }
        else if (!journaled)
        {
            WaitRecorded(ticket, cancellationToken);
        }
    }

    private static bool HasRecords(ScoredBatch batch)
    {
        foreach (var outcome in batch.Outcomes)
        {
            if (outcome.Sequence > 0 && outcome.Kind != OutcomeKind.Duplicate)
            {
                return true;
            }
        }

        return false;
    }

    private static void Abandon(IEnumerable<ScoredBatch> batches)
    {
        foreach (var batch in batches)
        {
            foreach (var outcome in batch.Outcomes)
            {
                outcome.Message.Settlement.Abandon();
            }
        }
    }

    /// <summary>
    /// Takes what is queued and, when the group is not full, waits out what is left of
    /// <see cref="PipelineOptions.CommitDelayMilliseconds"/> since its oldest batch was answered, and takes what came meanwhile.
    /// Answers are already out, so the wait delays only acknowledgements, and it saves most flushes of the device at moderate
    /// rates. Counted from the answer, not from when this loop took the batch: a batch that already waited through the
    /// previous group's flush has had its window, so a slow flush is never followed by a full delay on top of it (an
    /// acknowledgement waits for the window or the rest of the flush before its own, whichever is longer, then its own).
    /// A plain sleep rather than a wait for more that a timer cancels: the cancelled wait ends in an exception, thrown and
    /// caught at every commit of a light load.
    /// </summary>
    private void Gather(CancellationToken cancellationToken)
    {
        var outcomes = TakeQueued(0);
        var delay = options.CommitDelayMilliseconds ?? 0;
        if (delay <= 0 || outcomes >= options.MaxCommitBatch || OldestAnswered() is not { } oldest)
        {
            return;
        }

        var left = TimeSpan.FromMilliseconds(delay) - time.GetElapsedTime(oldest);
        if (left < MinimumWait)
        {
            return;
        }

        Sleep(left, cancellationToken);
        TakeQueued(outcomes);
    }

    /// <summary>Less than this left of the window is not worth a wake-up: the group goes as it is.</summary>
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(0.1);

    /// <summary>When the oldest answered batch of the group was answered; null when the group holds no outcome.</summary>
    private long? OldestAnswered()
    {
        foreach (var batch in _pending)
        {
            if (batch.Outcomes.Count > 0)
            {
                return batch.Outcomes[0].AnsweredTimestamp;
            }
        }

        return null;
    }

    private int TakeQueued(int outcomes)
    {
        while (outcomes < options.MaxCommitBatch && input.TryRead(out var answered))
        {
            if (answered.Batch is null)
            {
                // The wake of a cancellation (ScoringPipeline.RunAsync), not a batch.
                continue;
            }

            _pending.Add(answered.Batch);
            _answers.Add(answered.Answers);
            outcomes += answered.Batch.Outcomes.Count;
        }

        return outcomes;
    }

    private void Acknowledge(CancellationToken cancellationToken)
    {
        var acknowledged = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            AwaitAnswers(_answers[i]);
            var outcomes = _pending[i].Outcomes;
            for (var j = 0; j < outcomes.Count; j++)
            {
                var outcome = outcomes[j];
                try
                {
                    Wait(outcome.Message.Settlement.AcknowledgeAsync(cancellationToken));
                    acknowledged++;
                    metrics.Stage(PipelineStage.Acknowledge).RecordTicks(outcome.Message.ReceivedTimestamp, time.GetTimestamp());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection went away: the broker redelivers, and the record answers the redelivery.
                    LogAcknowledgeFailed(ex, outcome.TransactionId ?? "(none)");
                }
            }
        }

        metrics.CountAcknowledged(acknowledged);
    }

    private void AwaitAnswers(IReadOnlyList<Task> answers)
    {
        var failed = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            try
            {
                answers[i].GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                // The outcome is recorded; a terminal that missed its answer retries and gets it from the record.
                failed++;
                LogAnswerFailed(ex);
            }
        }

        metrics.CountAnswers(answers.Count - failed, failed);
    }

    /// <summary>
    /// Waits on this thread for the scoring loop's next hand-over; false once the channel is completed and empty. The hand-over
    /// sets <paramref name="handedOver"/>, which the thread sleeps on: blocking on the wait's task would spin first, at every
    /// group of a light load.
    /// </summary>
    private bool WaitForBatches(AutoResetEvent handedOver, Action handOver) =>
        WaitOn(input.WaitToReadAsync(CancellationToken.None), handedOver, handOver);

    private static bool WaitOn(ValueTask<bool> ready, AutoResetEvent handedOver, Action handOver)
    {
        if (!ready.IsCompleted)
        {
            ready.GetAwaiter().UnsafeOnCompleted(handOver);
            handedOver.WaitOne();
        }

        // Set only by the wait's completion, so it is complete here.
        return ready.IsCompleted ? ready.GetAwaiter().GetResult() : throw new InvalidOperationException("The hand-over's wait woke incomplete.");
    }

    private static void Wait(ValueTask task)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
        }
        else
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Sleeps this thread for <paramref name="span"/>, or until <paramref name="cancellationToken"/> fires (then throws). The
    /// system clock is slept on directly, without a timer: a clock of another kind (a test's) is waited on through its own timers.
    /// </summary>
    private void Sleep(TimeSpan span, CancellationToken cancellationToken)
    {
        if (time == TimeProvider.System)
        {
            if (cancellationToken.WaitHandle.WaitOne(span))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        else
        {
            Task.Delay(span, time, cancellationToken).GetAwaiter().GetResult();
        }
    }

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Could not acknowledge transaction {TransactionId}; the broker will redeliver it")]
    private partial void LogAcknowledgeFailed(Exception exception, string transactionId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Could not publish an answer; the terminal's retry will be answered from the record")]
    private partial void LogAnswerFailed(Exception exception);
}
