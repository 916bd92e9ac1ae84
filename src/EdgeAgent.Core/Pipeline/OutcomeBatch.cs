using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What one scoring batch produced, in arrival order, for the commit loop.</summary>
/// <param name="Outcomes">Every message of the batch: scored, rejected or duplicate.</param>
/// <param name="Updates">What the scored payments added to the feature state: journaled with the outcomes.</param>
/// <param name="Snapshot">Every card and terminal changed since the previous snapshot, when one is due; else null.</param>
/// <param name="Answers">The answers on their way to the terminals.</param>
public sealed record OutcomeBatch(
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyList<FeatureUpdate> Updates,
    FeatureStateChanges? Snapshot,
    IReadOnlyList<Task> Answers)
{
    public OutcomeBatch(IReadOnlyList<Outcome> outcomes)
        : this(outcomes, [], null, [])
    {
    }
}
