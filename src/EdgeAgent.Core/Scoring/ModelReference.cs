namespace EdgeAgent.Core.Scoring;

/// <summary>
/// What a model saw in training, in the form the drift watch compares live traffic with: the distribution of its
/// score and of every feature on the training months, in bins, and the band the alert rate kept, hour by hour, on
/// the validation month at the card's review threshold.
/// </summary>
public sealed class ModelReference
{
    /// <summary>The data the distributions were taken on, e.g. <c>train 2023-01..2023-09</c>.</summary>
    public required string Period { get; init; }

    /// <summary>Rows the distributions were taken on.</summary>
    public long Rows { get; init; }

    /// <summary>The model's score on those rows.</summary>
    public required BinnedDistribution Score { get; init; }

    /// <summary>Every feature, by name, in schema order.</summary>
    public required IReadOnlyList<FeatureDistribution> Features { get; init; }

    /// <summary>
    /// Each feature's median on those rows, in schema order: the typical payment that reason codes measure a
    /// payment against (which way a value lies from it, and for the MLP what the score would be at it).
    /// </summary>
    public float[]? Baseline { get; init; }

    /// <summary>The alert rate (review or decline) to expect, and its hourly band.</summary>
    public AlertRateBand? AlertRate { get; init; }
}
