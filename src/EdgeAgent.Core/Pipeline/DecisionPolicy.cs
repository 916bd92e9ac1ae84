using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The thresholds in force: the model's own, unless configuration or an operator (the device twin) overrides
/// them. Changes take effect from the next batch; a change that cannot work is refused and changes nothing.
/// </summary>
public sealed class DecisionPolicy
{
    private volatile Overrides _overrides;

    /// <summary>A policy with the configured overrides of the model's thresholds.</summary>
    public DecisionPolicy(DecisionOptions options)
    {
        FallbackDecision = options.FallbackDecision;
        _overrides = new Overrides(options.ReviewThreshold, options.DeclineThreshold);
    }

    /// <summary>What to answer when the model fails on a batch.</summary>
    public Decision FallbackDecision { get; }

    /// <summary>The review threshold override, or null to use the model's.</summary>
    public double? ReviewOverride => _overrides.Review;

    /// <summary>The decline threshold override, or null to use the model's.</summary>
    public double? DeclineOverride => _overrides.Decline;

    /// <summary>The thresholds in force for a model.</summary>
    public DecisionThresholds Resolve(DecisionThresholds fromModel)
    {
        var overrides = _overrides;
        return new DecisionThresholds(overrides.Review ?? fromModel.Review, overrides.Decline ?? fromModel.Decline);
    }

    /// <summary>
    /// Replaces the overrides (null restores the model's value). Throws <see cref="ArgumentException"/>, changing
    /// nothing, when the result could not work with <paramref name="model"/>'s thresholds.
    /// </summary>
    public void Override(double? review, double? decline, DecisionThresholds model)
    {
        new DecisionThresholds(review ?? model.Review, decline ?? model.Decline).Validate();
        _overrides = new Overrides(review, decline);
    }

    private sealed record Overrides(double? Review, double? Decline);
}
