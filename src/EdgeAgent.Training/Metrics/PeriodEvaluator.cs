using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Metrics;

/// <summary>Every metric a model card reports for one period.</summary>
public static class PeriodEvaluator
{
    /// <summary>Digits kept in the card: enough to compare models, few enough to read.</summary>
    private const int Digits = 6;

    public static EvaluationMetrics Evaluate(
        string period,
        ReadOnlySpan<float> probabilities,
        ReadOnlySpan<bool> labels,
        ThresholdSpec? thresholds = null)
    {
        var review = thresholds is null ? null : AlertRates.At(probabilities, labels, thresholds.Review);
        var decline = thresholds is null ? null : AlertRates.At(probabilities, labels, thresholds.Decline);
        return new EvaluationMetrics
        {
            Period = period,
            Rows = probabilities.Length,
            Frauds = ScoredRows.Positives(labels),
            RocAuc = Round(RocAuc.Compute(probabilities, labels)),
            PrAuc = Round(AveragePrecision.Compute(probabilities, labels)),
            RecallAtHalfPctAlertRate = Round(AlertRates.RecallAt(probabilities, labels, 0.005)),
            RecallAt1PctAlertRate = Round(AlertRates.RecallAt(probabilities, labels, 0.01)),
            Brier = Round(Calibration.Brier(probabilities, labels)),
            ExpectedCalibrationError = Round(Calibration.ExpectedCalibrationError(probabilities, labels)),
            RecallAtReview = review is null ? null : Round(review.Recall),
            AlertRateAtReview = review is null ? null : Round(review.AlertRate),
            RecallAtDecline = decline is null ? null : Round(decline.Recall),
            AlertRateAtDecline = decline is null ? null : Round(decline.AlertRate),
        };
    }

    private static double Round(double value) => Math.Round(value, Digits, MidpointRounding.ToEven);
}
