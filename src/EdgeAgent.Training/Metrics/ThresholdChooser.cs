using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Metrics;

/// <summary>
/// Chooses a model's review and decline thresholds on a period it was not trained on, by the share of
/// payments each may flag there. The rates recorded are those the thresholds really flag on that period.
/// </summary>
public static class ThresholdChooser
{
    /// <summary>
    /// Review 2 % of payments: above the data's fraud rate (1.1 % over the year, 1.35 % in the validation
    /// month), so the review budget is not spent before the fraud is; a 1 % budget there would cap recall near 74 %.
    /// </summary>
    public const double DefaultReviewRate = 0.02;

    /// <summary>Decline 0.5 % of payments: well below the fraud rate, so declines stay almost all fraud.</summary>
    public const double DefaultDeclineRate = 0.005;

    public static ThresholdSpec Choose(
        ReadOnlySpan<float> probabilities,
        ReadOnlySpan<bool> labels,
        string chosenOn,
        double reviewRate = DefaultReviewRate,
        double declineRate = DefaultDeclineRate)
    {
        if (declineRate > reviewRate)
        {
            throw new ArgumentException($"The decline rate ({declineRate}) exceeds the review rate ({reviewRate}).", nameof(declineRate));
        }

        var review = AlertRates.ThresholdAt(probabilities, reviewRate);
        var decline = AlertRates.ThresholdAt(probabilities, declineRate);
        return new ThresholdSpec
        {
            Review = review,
            Decline = decline,
            ReviewAlertRate = AlertRates.At(probabilities, labels, review).AlertRate,
            DeclineAlertRate = AlertRates.At(probabilities, labels, decline).AlertRate,
            ChosenOn = chosenOn,
        };
    }
}
