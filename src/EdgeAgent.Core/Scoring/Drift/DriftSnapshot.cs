namespace EdgeAgent.Core.Scoring.Drift;

/// <summary>
/// Where the active model's live traffic stands against its card, at one moment: for /status and the cloud snapshots.
/// </summary>
/// <param name="Model">The model watched; null before the first payment or when its card has no reference.</param>
/// <param name="Payments">Payments in the measured window.</param>
/// <param name="Judged">True once the window holds enough payments for the indexes to count.</param>
/// <param name="ScorePsi">Population stability index of the score.</param>
/// <param name="Features">Each feature's index, in schema order.</param>
/// <param name="Drifted">Names (the score as <c>score</c>) whose index is at or above the warning line.</param>
/// <param name="PaymentsLastHour">Payments in the last 60 minutes.</param>
/// <param name="AlertRateLastHour">Share of them reviewed or declined; null without payments.</param>
/// <param name="Band">The hourly band the card expects.</param>
/// <param name="AlertRateOutOfBand">True when the last hour has enough payments and its alert rate lies outside the band.</param>
public sealed record DriftSnapshot(
    ModelIdentity? Model,
    long Payments,
    bool Judged,
    double ScorePsi,
    IReadOnlyList<FeatureDrift> Features,
    IReadOnlyList<string> Drifted,
    long PaymentsLastHour,
    double? AlertRateLastHour,
    AlertRateBand? Band,
    bool AlertRateOutOfBand)
{
    /// <summary>Nothing watched yet.</summary>
    public static DriftSnapshot Empty { get; } = new(null, 0, false, 0, [], [], 0, null, null, false);
}
