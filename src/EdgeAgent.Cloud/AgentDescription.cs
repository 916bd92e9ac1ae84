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
    Func<DecisionThresholds?> ModelThresholds);
