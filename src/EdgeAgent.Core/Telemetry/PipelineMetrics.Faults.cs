using System.Collections.Concurrent;

namespace EdgeAgent.Core.Telemetry;

/// <summary>What the pipeline counts of faults: what went wrong with one message, and what paused intake.</summary>
public sealed partial class PipelineMetrics
{
    private readonly ConcurrentDictionary<string, long> _pauses = new(StringComparer.Ordinal);
    private long _internalErrors;
    private long _poison;
    private long _duplicateConflicts;
    private long _deadLettersDropped;
    private long _resumes;

    /// <summary>Messages refused with <c>internal_error</c>, or handled in part, because something in the agent failed on them.</summary>
    public long InternalErrors => Volatile.Read(ref _internalErrors);

    /// <summary>Messages refused as <c>poison_message</c> after being part of too many crashes.</summary>
    public long PoisonMessages => Volatile.Read(ref _poison);

    /// <summary>Repeats of a transaction id whose content differed from the first payment's.</summary>
    public long DuplicateConflicts => Volatile.Read(ref _duplicateConflicts);

    /// <summary>Refusals answered but not kept as dead letters, their sender being over its budget.</summary>
    public long DeadLettersDropped => Volatile.Read(ref _deadLettersDropped);

    /// <summary>Times intake resumed after a pause.</summary>
    public long IntakeResumes => Volatile.Read(ref _resumes);

    /// <summary>Times intake paused, by reason (<c>disk_full</c>, <c>store_unavailable</c>).</summary>
    public IReadOnlyDictionary<string, long> IntakePauses => _pauses;

    public void CountInternalError() => Interlocked.Increment(ref _internalErrors);

    public void CountPoison() => Interlocked.Increment(ref _poison);

    public void CountDuplicateConflict() => Interlocked.Increment(ref _duplicateConflicts);

    public void CountDeadLetterDropped() => Interlocked.Increment(ref _deadLettersDropped);

    public void CountIntakePaused(string reason) => _pauses.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void CountIntakeResumed() => Interlocked.Increment(ref _resumes);
}
