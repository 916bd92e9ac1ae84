namespace EdgeAgent.Core.Scoring;

/// <summary>One feature's distribution on the training months.</summary>
public sealed class FeatureDistribution
{
    /// <summary>Feature name, as <c>FeatureSchema.Names</c> has it.</summary>
    public required string Name { get; init; }

    /// <summary>Its bins and their shares of the training rows.</summary>
    public required BinnedDistribution Distribution { get; init; }
}
