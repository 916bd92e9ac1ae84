using System.ComponentModel.DataAnnotations;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>Overrides of the thresholds that came with the model (configuration section <c>Decision</c>).</summary>
public sealed class DecisionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Decision";

    /// <summary>Review at or above this score; unset uses the model card's. In [0, 1].</summary>
    [Range(0.0, 1.0)]
    public double? ReviewThreshold { get; set; }

    /// <summary>Decline at or above this score; unset uses the model card's. In [0, 1].</summary>
    [Range(0.0, 1.0)]
    public double? DeclineThreshold { get; set; }

    /// <summary>What to answer when the model fails on a batch. Default <c>Review</c>: neither waves fraud through nor blocks a customer.</summary>
    public Decision FallbackDecision { get; set; } = Decision.Review;

}
