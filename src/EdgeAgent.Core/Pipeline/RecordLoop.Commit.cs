using EdgeAgent.Core.Payments;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>The flush of the journal and the commit of a group into LiteDB, and what happens when the device or the content refuses them.</summary>
internal sealed partial class RecordLoop
{
    /// <summary>
    /// Flushes the answer journal: the group is durable once it returns. A device that fails the flush pauses intake, as a
    /// failing commit does: nothing is acknowledged, the flush is retried (the journal writes again what the failed flush may
    /// have dropped), and intake opens again by itself; after <see cref="PipelineOptions.StoreUnavailableGraceSeconds"/> of a
    /// failure other than a full disk the agent gives up.
    /// </summary>
    private void FlushJournal(CancellationToken cancellationToken)
    {
        Backoff? backoff = null;
        var failingSince = (long?)null;
        while (true)
        {
            try
            {
                journal!.Flush();
                metrics.CountJournalFlush();
                if (failingSince is not null)
                {
                    Resume();
                }

                return;
            }
            catch (IOException ex)
            {
                failingSince ??= time.GetTimestamp();
                var full = ex.HResult == NoSpace;
                var reason = full ? "disk_full" : "journal_unavailable";
                Pause(reason, ex.Message);
                if (!full && time.GetElapsedTime(failingSince.Value) > TimeSpan.FromSeconds(options.StoreUnavailableGraceSeconds))
                {
                    throw new InvalidOperationException(
                        $"The answer journal cannot be flushed for {options.StoreUnavailableGraceSeconds:0} s: {ex.Message}", ex);
                }
            }

            backoff ??= new Backoff(TimeSpan.FromMilliseconds(50), MaxRetryDelay, jitter: 0);
            Sleep(backoff.Next(), cancellationToken);
        }
    }

    /// <summary>The device refused the journal or the record: intake waits (logged and counted once a pause), nothing is acknowledged.</summary>
    private void Pause(string reason, string detail)
    {
        // Counted before the gate closes: whatever watches the gate finds the failure already in the metrics.
        metrics.CountPersistFailure();
        if (gate.IsOpen)
        {
            metrics.CountIntakePaused(reason);
            LogPaused(reason, detail);
        }

        gate.Close(reason);
    }

    private void Resume()
    {
        metrics.CountIntakeResumed();
        LogResumed();
        gate.Open();
    }

    /// <summary>errno of a full device.</summary>
    private const int NoSpace = 28;

    private void CommitWithRetries(List<ScoredBatch> group, CancellationToken cancellationToken)
    {
        // Made only for a retry: nearly every commit goes through at once.
        Backoff? backoff = null;
        var unavailableSince = (long?)null;
        var isolating = false;
        while (true)
        {
            try
            {
                if (isolating)
                {
                    CommitIsolated(group);
                }
                else
                {
                    Commit(group);
                }

                if (unavailableSince is not null)
                {
                    Resume();
                }

                return;
            }
            catch (StoreUnavailableException ex)
            {
                // Nothing is acknowledged, and intake waits: terminals' payments stay with the broker (or unacknowledged
                // at the terminal) until the device takes the record again.
                unavailableSince ??= time.GetTimestamp();
                var reason = ex.DeviceFull ? "disk_full" : "store_unavailable";
                Pause(reason, ex.Message);
                if (!ex.DeviceFull && time.GetElapsedTime(unavailableSince.Value) > TimeSpan.FromSeconds(options.StoreUnavailableGraceSeconds))
                {
                    // Not a full disk that frees up: the data folder is gone or unwritable. The agent cannot do its job.
                    throw new InvalidOperationException(
                        $"The record cannot be written for {options.StoreUnavailableGraceSeconds:0} s: {ex.Message}", ex);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !isolating)
            {
                // The device took it but the content did not go in: find the outcome that cannot be recorded. The device
                // may fail on the way too; then the isolation is retried like any commit (what it committed already is
                // on record, and the store skips it).
                metrics.CountPersistFailure();
                LogCommitFailed(ex, group.Sum(b => b.Outcomes.Count));
                isolating = true;
                continue;
            }

            backoff ??= new Backoff(TimeSpan.FromMilliseconds(50), MaxRetryDelay, jitter: 0);
            Sleep(backoff.Next(), cancellationToken);
        }
    }

    private void Commit(List<ScoredBatch> group)
    {
        store.Commit(group);
        var last = 0L;
        for (var i = 0; i < group.Count; i++)
        {
            var outcomes = group[i].Outcomes;
            for (var j = 0; j < outcomes.Count; j++)
            {
                last = Math.Max(last, outcomes[j].Sequence);
            }
        }

        if (last > 0)
        {
            journal?.Committed(last);
        }
    }

    /// <summary>
    /// Commits the group batch by batch, and a failing batch outcome by outcome; an outcome that cannot be recorded even
    /// alone is replaced by a stub that records only that it was refused (<c>internal_error</c>), so the rest is kept and
    /// every message can still be acknowledged. A device failure on the way (<see cref="StoreUnavailableException"/>) is left
    /// to the caller, which pauses intake and retries it.
    /// </summary>
    private void CommitIsolated(List<ScoredBatch> group)
    {
        foreach (var batch in group)
        {
            try
            {
                Commit([batch]);
                continue;
            }
            catch (StoreUnavailableException)
            {
                throw;
            }
            catch (Exception)
            {
                // Outcome by outcome below.
            }

            foreach (var outcome in batch.Outcomes)
            {
                try
                {
                    Commit([new ScoredBatch([outcome])]);
                }
                catch (StoreUnavailableException)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    metrics.CountInternalError();
                    LogOutcomeUnrecordable(ex, outcome.Sequence);
                    Commit([new ScoredBatch([Stub(outcome)])]);
                }
            }
        }
    }

    private static Outcome Stub(Outcome outcome) => new()
    {
        Message = outcome.Message,
        Kind = OutcomeKind.Rejected,
        Sequence = outcome.Sequence,
        Errors = [new ValidationError("$", ValidationCodes.InternalError, "the outcome could not be recorded")],
        Answer = outcome.Answer,
        LatencyMs = outcome.LatencyMs,
        AnsweredTimestamp = outcome.AnsweredTimestamp,
    };

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Commit of {Outcomes} outcomes failed on their content; recording them one by one")]
    private partial void LogCommitFailed(Exception exception, int outcomes);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "Outcome {Sequence} cannot be recorded; a stub was recorded in its place")]
    private partial void LogOutcomeUnrecordable(Exception exception, long sequence);

    [LoggerMessage(EventId = 114, Level = LogLevel.Critical, Message = "Intake paused ({Reason}): the record cannot be written ({Detail}); nothing is acknowledged until it can")]
    private partial void LogPaused(string reason, string detail);

    [LoggerMessage(EventId = 115, Level = LogLevel.Warning, Message = "The record can be written again; intake resumed")]
    private partial void LogResumed();
}
