namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// LiteDB's feed: the batches the record loop made durable (or needs committed first) go into LiteDB in order, in groups of
/// <see cref="PipelineOptions.RecordGroupPayments"/> or whatever waited <see cref="PipelineOptions.RecordIntervalMilliseconds"/>,
/// so at light load a LiteDB transaction carries hundreds of payments instead of one. A committed group releases its space in
/// the answer journal and its payments from the backlog; until then its answers stay in the scoring loop's recent answers
/// (the backlog bounds what is not yet in LiteDB, and those cover it), so a repeat is answered byte for byte.
/// </summary>
internal sealed partial class RecordLoop
{
    private readonly Lock _feedLock = new();
    private readonly Queue<ScoredBatch> _queued = new();

    /// <summary>The group being committed into LiteDB (the feed's own).</summary>
    private readonly List<ScoredBatch> _group = [];
    private int _queuedPayments;
    private long _oldestQueued;

    /// <summary>Batches handed to the feed, and committed by it, since the start: the record loop waits by this count.</summary>
    private long _fed;
    private long _recorded;

    /// <summary>The count an acknowledgement waits for LiteDB to reach (a batch the journal did not take), or 0.</summary>
    private long _awaited;
    private bool _completing;
    private TaskCompletionSource? _feedWake;
    private TaskCompletionSource? _recordedSignal;

    /// <summary>Hands <paramref name="batches"/> to the feed; returns the count LiteDB must reach to have them.</summary>
    private long Feed(List<ScoredBatch> batches, bool urgent)
    {
        TaskCompletionSource? wake;
        long ticket;
        lock (_feedLock)
        {
            // The first batch of a group starts its interval: the feed, idle until now, wakes to time it.
            var first = _queued.Count == 0;
            if (first)
            {
                _oldestQueued = time.GetTimestamp();
            }

            foreach (var batch in batches)
            {
                _queued.Enqueue(batch);
                _queuedPayments += batch.Outcomes.Count;
            }

            ticket = _fed += batches.Count;
            if (urgent)
            {
                _awaited = ticket;
            }

            wake = first || Due() ? TakeWake() : null;
        }

        wake?.TrySetResult();
        return ticket;
    }

    /// <summary>No more batches will come: the feed commits what it holds and ends.</summary>
    private void CompleteFeed()
    {
        TaskCompletionSource? wake;
        lock (_feedLock)
        {
            _completing = true;
            wake = TakeWake();
        }

        wake?.TrySetResult();
    }

    /// <summary>Waits on the group commit's thread until LiteDB has committed everything up to <paramref name="ticket"/>.</summary>
    private void WaitRecorded(long ticket, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task recorded;
            lock (_feedLock)
            {
                if (_recorded >= ticket)
                {
                    return;
                }

                _recordedSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                recorded = _recordedSignal.Task;
            }

            recorded.Wait(cancellationToken);
        }
    }

    /// <summary>Takes what the group commit made durable into LiteDB, a group at a time, on the feed's own thread.</summary>
    private void Feed(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task? wait = null;
            var payments = 0;
            lock (_feedLock)
            {
                if (Due())
                {
                    payments = TakeGroup();
                }
                else if (_queued.Count == 0 && _completing)
                {
                    return;
                }
                else
                {
                    // The clock moves on between Due() and here: what is left of the interval may already be gone.
                    var left = Interval - time.GetElapsedTime(_oldestQueued);
                    _feedWake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _queued.Count == 0
                        ? _feedWake.Task
                        : Task.WhenAny(_feedWake.Task, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken));
                }
            }

            if (wait is not null)
            {
                wait.Wait(cancellationToken);
                continue;
            }

            CommitWithRetries(_group, cancellationToken);
            backlog.Release(payments);
            TaskCompletionSource? recorded;
            lock (_feedLock)
            {
                _recorded += _group.Count;
                recorded = _recordedSignal;
                _recordedSignal = null;
            }

            _group.Clear();
            recorded?.TrySetResult();
        }
    }

    private TimeSpan Interval => TimeSpan.FromMilliseconds(options.RecordIntervalMilliseconds ?? PipelineOptions.DefaultRecordIntervalMilliseconds);

    /// <summary>Whether a LiteDB commit is due now: a full group, an old one, an acknowledgement waiting for it, or the end.</summary>
    private bool Due() =>
        _queued.Count > 0 &&
        (_queuedPayments >= options.RecordGroupPayments || _awaited > _recorded || _completing || time.GetElapsedTime(_oldestQueued) >= Interval);

    private TaskCompletionSource? TakeWake()
    {
        var wake = _feedWake;
        _feedWake = null;
        return wake;
    }

    /// <summary>Takes queued batches, in order, into one LiteDB transaction's group; returns its payments.</summary>
    private int TakeGroup()
    {
        var most = Math.Max(options.MaxCommitBatch, options.RecordGroupPayments);
        var payments = 0;
        while (_queued.TryPeek(out var batch) && (payments == 0 || payments + batch.Outcomes.Count <= most))
        {
            _queued.Dequeue();
            _group.Add(batch);
            payments += batch.Outcomes.Count;
        }

        // What stays is counted from the same start as the group taken: behind by as long, it is due at once.
        _queuedPayments -= payments;
        return payments;
    }
}
