using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Cloud;

/// <summary>What the host tells the cloud sync about the agent: its version and the model scoring now.</summary>
/// <param name="Version">The agent's version.</param>
/// <param name="Model">The active model, when there is one.</param>
/// <param name="Provider">The execution provider it runs on.</param>
/// <param name="ModelThresholds">The active model's own thresholds, which overrides are checked against.</param>
public sealed record AgentDescription(
    string Version,
    Func<ModelIdentity?> Model,
    Func<string?> Provider,
    Func<DecisionThresholds?> ModelThresholds)
{
    /// <summary>
    /// The active model's card band and score drift, for the metric snapshots: the fleet judges each store against
    /// the band of the model it runs. Null when the host has no model (or no card band and no drift watch).
    /// </summary>
    public Func<ModelDrift?>? Drift { get; init; }
}

/// <summary>Where a model's live traffic stands against its card.</summary>
/// <param name="Model">The model the figures are of.</param>
/// <param name="Band">The hourly alert-rate band its card expects; null when the card has none.</param>
/// <param name="ScorePsi">Population stability index of its score once the drift window is judged; null before.</param>
public sealed record ModelDrift(ModelIdentity Model, AlertRateBand? Band, double? ScorePsi);
