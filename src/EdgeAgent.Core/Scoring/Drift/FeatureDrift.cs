namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>One feature's population stability index against the training months.</summary>
public readonly record struct FeatureDrift(string Feature, double Psi);
