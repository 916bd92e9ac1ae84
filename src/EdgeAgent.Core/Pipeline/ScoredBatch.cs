using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What one pass of the scoring loop produced, in arrival order, for the record loop.</summary>
/// <param name="Outcomes">Every message of the batch: scored, rejected or duplicate.</param>
/// <param name="Updates">What the scored payments added to the feature state: the journal replayed over the last snapshot at start.</param>
/// <param name="Snapshot">Every card and terminal changed since the previous snapshot, when one is due; else null.</param>
/// <param name="Publishes">The answers on their way to the broker; the messages are acknowledged only once these are done.</param>
public sealed record ScoredBatch(
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyList<FeatureUpdate> Updates,
    FeatureStateChanges? Snapshot,
    IReadOnlyList<Task> Publishes)
{
    /// <summary>A batch of outcomes only (tests, the replay of the answer journal).</summary>
    public ScoredBatch(IReadOnlyList<Outcome> outcomes)
        : this(outcomes, [], null, [])
    {
    }
}
