using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>What one scoring batch produced: its outcomes in arrival order and the feature state they changed.</summary>
public sealed record OutcomeBatch(IReadOnlyList<Outcome> Outcomes, FeatureStateChanges StateChanges);
