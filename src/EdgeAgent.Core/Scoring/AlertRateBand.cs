namespace EdgeAgent.Core.Scoring;

/// <summary>
/// The share of payments a model flags (review or decline) and the range it kept hour by hour on the month the
/// thresholds were chosen on: hours with fewer than <see cref="MinPaymentsPerHour"/> payments were left out, the
/// band runs from the 1st to the 99th percentile of the others. A live hour outside it is worth a look: the
/// traffic, the fraud, or the model has changed.
/// </summary>
public sealed class AlertRateBand
{
    /// <summary>Share flagged over the whole month.</summary>
    public required double Expected { get; init; }

    /// <summary>1st percentile of the hourly share.</summary>
    public required double HourlyLow { get; init; }

    /// <summary>99th percentile of the hourly share.</summary>
    public required double HourlyHigh { get; init; }

    /// <summary>Fewest payments an hour needs to count.</summary>
    public required int MinPaymentsPerHour { get; init; }

    /// <summary>The month, e.g. <c>validation 2023-10</c>.</summary>
    public string? Period { get; init; }
}
