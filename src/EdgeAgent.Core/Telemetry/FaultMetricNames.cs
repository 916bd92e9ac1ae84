namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// Instrument names of what the pipeline counts of faults and of a start. Kept apart from <see cref="MetricNames"/>,
/// whose instruments /status shows in sections of their own: these it lists with the meter's other instruments.
/// </summary>
public static class FaultMetricNames
{
    /// <summary>Messages refused with <c>internal_error</c>, or decided by the fallback, because something in the agent failed on them.</summary>
    public const string InternalErrors = "edgeagent.payments.internal_errors";
    /// <summary>Messages refused as <c>poison_message</c>.</summary>
    public const string Poison = "edgeagent.payments.poison";
    /// <summary>Repeats of a transaction id whose content differed from the first payment's.</summary>
    public const string DuplicateConflicts = "edgeagent.payments.duplicate_conflicts";
    /// <summary>Refusals answered but not kept as dead letters, their sender being over its budget.</summary>
    public const string DeadLettersDropped = "edgeagent.dead_letters.dropped";
    /// <summary>Times intake paused, by <see cref="ReasonTag"/>.</summary>
    public const string IntakePauses = "edgeagent.intake.pauses";
    /// <summary>Times intake resumed after a pause.</summary>
    public const string IntakeResumes = "edgeagent.intake.resumes";
    /// <summary>Times the scoring loop waited for the record backlog.</summary>
    public const string RecordWaits = "edgeagent.intake.record_waits";
    /// <summary>Times the scoring loop waited for room in the answer journal (full of entries not yet in LiteDB).</summary>
    public const string JournalWaits = "edgeagent.journal.waits";
    /// <summary>Flushes of the answer journal to the device: the acknowledgements' group commits.</summary>
    public const string JournalFlushes = "edgeagent.journal.flushes";
    /// <summary>Answer-journal entries refused at start, by <see cref="ReasonTag"/>.</summary>
    public const string JournalRefused = "edgeagent.journal.refused";
    /// <summary>Stored cards and merchants a start left in the store, by <see cref="KindTag"/>.</summary>
    public const string StateLeftAtStart = "edgeagent.state.left_at_start";

    /// <summary>Tag of <see cref="IntakePauses"/> and <see cref="JournalRefused"/>: why.</summary>
    public const string ReasonTag = "reason";

    /// <summary>Tag of <see cref="StateLeftAtStart"/>: <c>card</c> or <c>merchant</c>.</summary>
    public const string KindTag = "kind";
}
