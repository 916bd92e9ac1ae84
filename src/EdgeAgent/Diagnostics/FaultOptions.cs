namespace EdgeAgent.Diagnostics;

/// <summary>
/// Fault injection for crash-safety tests (configuration section <c>Faults</c>, test builds only): the agent kills itself
/// (SIGKILL, no clean-up) at a chosen point of the pipeline when it handles a chosen transaction, or one flush of the
/// record fails. A release build does not contain it, so no configuration can turn it on in production.
/// </summary>
public sealed class FaultOptions
{
    public const string SectionName = "Faults";

    /// <summary>
    /// <c>None</c> (default), <c>Scoring</c> (while scoring, before the answer: a message that crashes the agent), <c>Answer</c>
    /// (the broker took the answer; the outcome is not yet committed) or <c>Commit</c> (the outcome is committed; the message is
    /// not yet acknowledged).
    /// </summary>
    public FaultPoint KillAfter { get; set; } = FaultPoint.None;

    /// <summary>The transaction whose handling triggers the kill.</summary>
    public string? TransactionId { get; set; }

    /// <summary>
    /// Fails the record's flush (<c>fdatasync</c> of LiteDB's log) with an I/O error (EIO) once, at the flush with this
    /// number (1 is the first since the start); 0 (default) never. Nothing is flushed by that call.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int FailFlush { get; set; }
}
