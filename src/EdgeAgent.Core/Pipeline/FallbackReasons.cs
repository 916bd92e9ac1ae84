namespace EdgeAgent.Core.Pipeline;

/// <summary>Why a payment was decided by <see cref="DecisionOptions.FallbackDecision"/> instead of the model; the terminal gets it as <c>reason</c>.</summary>
public static class FallbackReasons
{
    /// <summary>The model run failed.</summary>
    public const string ModelUnavailable = "model_unavailable";

    /// <summary>The model answered something that is not a probability (NaN, infinite, outside [0, 1]).</summary>
    public const string ModelOutputInvalid = "model_output_invalid";

    /// <summary>The features could not be computed.</summary>
    public const string FeaturesUnavailable = "features_unavailable";
}
