using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>What the pipeline counts of faults: what went wrong with one message, and what paused intake.</summary>
public sealed partial class PipelineMetrics
{
    private FaultCounters? _faults;

    private FaultCounters Faults => _faults ??= new FaultCounters(Meter);

    /// <summary>Messages refused with <c>internal_error</c>, or handled in part, because something in the agent failed on them.</summary>
    public long InternalErrors => Reader.Total(FaultCounters.InternalErrors);

    /// <summary>Messages refused as <c>poison_message</c> after being part of too many crashes.</summary>
    public long PoisonMessages => Reader.Total(FaultCounters.Poison);

    /// <summary>Repeats of a transaction id whose content differed from the first payment's.</summary>
    public long DuplicateConflicts => Reader.Total(FaultCounters.DuplicateConflicts);

    /// <summary>Refusals answered but not kept as dead letters, their sender being over its budget.</summary>
    public long DeadLettersDropped => Reader.Total(FaultCounters.DeadLettersDropped);

    /// <summary>Times intake resumed after a pause.</summary>
    public long IntakeResumes => Reader.Total(FaultCounters.Resumes);

    /// <summary>Times intake paused, by reason (<c>disk_full</c>, <c>store_unavailable</c>).</summary>
    public IReadOnlyDictionary<string, long> IntakePauses => Reader.TotalsBy(FaultCounters.Pauses, FaultCounters.ReasonTag);

    /// <summary>Times the scoring loop waited because the payments answered and not yet recorded were at <c>Pipeline:RecordBacklog</c>.</summary>
    public long RecordWaits => Reader.Total(FaultCounters.RecordWaits);

    /// <summary>The scoring loop waited once for the record backlog.</summary>
    public void CountRecordWait() => Faults.RecordWaitCount.Add(1);

    /// <summary>One message the agent failed on for a reason of its own.</summary>
    public void CountInternalError() => Faults.InternalErrorCount.Add(1);

    /// <summary>One message refused as poison.</summary>
    public void CountPoison() => Faults.PoisonCount.Add(1);

    /// <summary>One repeat of a transaction id with other content.</summary>
    public void CountDuplicateConflict() => Faults.ConflictCount.Add(1);

    /// <summary>One refusal not kept as a dead letter, its sender being over budget.</summary>
    public void CountDeadLetterDropped() => Faults.DroppedCount.Add(1);

    /// <summary>Intake paused, for <paramref name="reason"/>.</summary>
    public void CountIntakePaused(string reason) => Faults.PauseCount.Add(1, new KeyValuePair<string, object?>(FaultCounters.ReasonTag, reason));

    /// <summary>Intake resumed.</summary>
    public void CountIntakeResumed() => Faults.ResumeCount.Add(1);

    /// <summary>Records a zero on each fault counter, so their series exist from the first scrape.</summary>
    private void StartFaultSeries()
    {
        var faults = Faults;
        foreach (var counter in new[] { faults.InternalErrorCount, faults.PoisonCount, faults.ConflictCount, faults.DroppedCount, faults.ResumeCount, faults.RecordWaitCount })
        {
            counter.Add(0);
        }
    }

    private sealed class FaultCounters(Meter meter)
    {
        public const string InternalErrors = "edgeagent.payments.internal_errors";
        public const string Poison = "edgeagent.payments.poison";
        public const string DuplicateConflicts = "edgeagent.payments.duplicate_conflicts";
        public const string DeadLettersDropped = "edgeagent.dead_letters.dropped";
        public const string Pauses = "edgeagent.intake.pauses";
        public const string Resumes = "edgeagent.intake.resumes";
        public const string RecordWaits = "edgeagent.intake.record_waits";
        public const string ReasonTag = "reason";

        public Counter<long> InternalErrorCount { get; } = meter.CreateCounter<long>(InternalErrors, "{message}",
            "Messages refused with internal_error, or decided by the fallback, because something in the agent failed on them.");

        public Counter<long> PoisonCount { get; } = meter.CreateCounter<long>(Poison, "{message}",
            "Messages refused as poison_message: they were being handled in too many crashes.");

        public Counter<long> ConflictCount { get; } = meter.CreateCounter<long>(DuplicateConflicts, "{payment}",
            "Repeats of a transaction id whose content differed from the first payment's (refused as duplicate_conflict).");

        public Counter<long> DroppedCount { get; } = meter.CreateCounter<long>(DeadLettersDropped, "{payment}",
            "Refusals answered and counted but not kept as dead letters: their sender was over its budget.");

        public Counter<long> PauseCount { get; } = meter.CreateCounter<long>(Pauses, "{pause}",
            "Times intake paused because the record could not be written, by reason.");

        public Counter<long> RecordWaitCount { get; } = meter.CreateCounter<long>(RecordWaits, "{wait}",
            "Times scoring waited for the record: the payments answered and not yet recorded were at Pipeline:RecordBacklog (the device is behind; intake waits).");

        public Counter<long> ResumeCount { get; } = meter.CreateCounter<long>(Resumes, "{resume}", "Times intake resumed after a pause.");
    }
}
