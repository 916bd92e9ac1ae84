namespace EdgeAgent.Training.Metrics;

/// <summary>
/// How far probabilities are from observed frequencies. Thresholds are set on scores, but the card and the
/// operators read them as probabilities, so they should mean what they say.
/// </summary>
public static class Calibration
{
    /// <summary>Mean squared difference between probability and outcome (0 or 1).</summary>
    public static double Brier(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels)
    {
        ScoredRows.Check(probabilities, labels);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var error = probabilities[i] - (labels[i] ? 1.0 : 0.0);
            sum += error * error;
        }

        return sum / probabilities.Length;
    }

    /// <summary>
    /// Σ (rows in bin / rows) · |mean probability − fraud rate| over equal-width bins of [0, 1]; bin b holds
    /// [b/bins, (b+1)/bins), the last bin also 1.
    /// </summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        ScoredRows.Check(probabilities, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new long[bins];
        var sumProbability = new double[bins];
        var sumOutcome = new double[bins];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            var bin = Math.Clamp((int)(p * bins), 0, bins - 1);
            count[bin]++;
            sumProbability[bin] += p;
            sumOutcome[bin] += labels[i] ? 1 : 0;
        }

        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += count[b] / (double)probabilities.Length * Math.Abs((sumProbability[b] - sumOutcome[b]) / count[b]);
            }
        }

        return ece;
    }
}
