using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What one pass of the scoring loop produced, in arrival order, for the record.</summary>
/// <param name="Outcomes">
/// Every message of the batch: scored, rejected or duplicate. The scored ones are also what a start replays over the last
/// snapshot (their events and features are in the record), so a batch carries nothing else for the feature state.
/// </param>
/// <param name="Snapshot">Every card and terminal changed since the previous snapshot, when one is due; else null.</param>
public sealed record ScoredBatch(
    IReadOnlyList<Outcome> Outcomes,
    FeatureStateChanges? Snapshot)
{
    /// <summary>A batch of outcomes only (tests, the replay of the answer journal).</summary>
    public ScoredBatch(IReadOnlyList<Outcome> outcomes)
        : this(outcomes, null)
    {
    }

    /// <summary>
    /// The batch's recorded outcomes as the answer journal encoded them (<see cref="IAnswerJournal.Append"/>), which the
    /// store records as they are instead of encoding them again; empty when the batch was not journaled. Valid until the
    /// journal is told the batch is committed.
    /// </summary>
    public ReadOnlyMemory<byte> Journaled { get; init; }
}
