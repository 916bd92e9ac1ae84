using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>What the pipeline counts of faults: what went wrong with one message, and what paused intake.</summary>
public sealed partial class PipelineMetrics
{
    private FaultCounters? _faults;

    private FaultCounters Faults => _faults ??= new FaultCounters(Meter);

    /// <summary>The scoring loop waited once for the record backlog.</summary>
    public void CountRecordWait() => Faults.RecordWaitCount.Add(1);

    /// <summary>The scoring loop waited once for room in the answer journal.</summary>
    public void CountJournalWait() => Faults.JournalWaitCount.Add(1);

    /// <summary>The answer journal was flushed to the device once (a group of acknowledgements).</summary>
    public void CountJournalFlush() => Faults.JournalFlushCount.Add(1);

    /// <summary>One message the agent failed on for a reason of its own.</summary>
    public void CountInternalError() => Faults.InternalErrorCount.Add(1);

    /// <summary>One message refused as poison.</summary>
    public void CountPoison() => Faults.PoisonCount.Add(1);

    /// <summary>One repeat of a transaction id with other content.</summary>
    public void CountDuplicateConflict() => Faults.ConflictCount.Add(1);

    /// <summary>One refusal not kept as a dead letter, its sender being over budget.</summary>
    public void CountDeadLetterDropped() => Faults.DroppedCount.Add(1);

    /// <summary>Intake paused, for <paramref name="reason"/>.</summary>
    public void CountIntakePaused(string reason) => Faults.PauseCount.Add(1, new KeyValuePair<string, object?>(FaultMetricNames.ReasonTag, reason));

    /// <summary>Intake resumed.</summary>
    public void CountIntakeResumed() => Faults.ResumeCount.Add(1);

    /// <summary>Records a zero on each fault counter, so their series exist from the first scrape.</summary>
    private void StartFaultSeries()
    {
        var faults = Faults;
        foreach (var counter in new[] { faults.InternalErrorCount, faults.PoisonCount, faults.ConflictCount, faults.DroppedCount, faults.ResumeCount, faults.RecordWaitCount, faults.JournalWaitCount, faults.JournalFlushCount })
        {
            counter.Add(0);
        }
    }

    private sealed class FaultCounters(Meter meter)
    {
        public Counter<long> InternalErrorCount { get; } = meter.CreateCounter<long>(FaultMetricNames.InternalErrors, "{message}",
            "Messages refused with internal_error, or decided by the fallback, because something in the agent failed on them.");

        public Counter<long> PoisonCount { get; } = meter.CreateCounter<long>(FaultMetricNames.Poison, "{message}",
            "Messages refused as poison_message: they were being handled in too many crashes.");

        public Counter<long> ConflictCount { get; } = meter.CreateCounter<long>(FaultMetricNames.DuplicateConflicts, "{payment}",
            "Repeats of a transaction id whose content differed from the first payment's (refused as duplicate_conflict).");

        public Counter<long> DroppedCount { get; } = meter.CreateCounter<long>(FaultMetricNames.DeadLettersDropped, "{payment}",
            "Refusals answered and counted but not kept as dead letters: their sender was over its budget.");

        public Counter<long> PauseCount { get; } = meter.CreateCounter<long>(FaultMetricNames.IntakePauses, "{pause}",
            "Times intake paused because the record could not be written, by reason.");

        public Counter<long> RecordWaitCount { get; } = meter.CreateCounter<long>(FaultMetricNames.RecordWaits, "{wait}",
            "Times scoring waited for the record: the payments answered and not yet recorded were at Pipeline:RecordBacklog (the device is behind; intake waits).");

        public Counter<long> JournalWaitCount { get; } = meter.CreateCounter<long>(FaultMetricNames.JournalWaits, "{wait}",
            "Times scoring waited for room in the answer journal: it was full of entries LiteDB had not taken yet (Storage:AnswerJournalMegabytes; intake waits).");

        public Counter<long> JournalFlushCount { get; } = meter.CreateCounter<long>(FaultMetricNames.JournalFlushes, "{flush}",
            "Flushes of the answer journal to the device: each a group commit that acknowledgements wait for.");

        public Counter<long> ResumeCount { get; } = meter.CreateCounter<long>(FaultMetricNames.IntakeResumes, "{resume}", "Times intake resumed after a pause.");
    }
}
