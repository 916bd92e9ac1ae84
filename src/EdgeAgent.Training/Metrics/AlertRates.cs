namespace EdgeAgent.Training.Metrics;

/// <summary>
/// Thresholds by alert rate. A fraud team can review a fixed share of payments, so the useful questions
/// are "which score flags 1 % of payments" and "how much fraud does that catch". The agent flags
/// <c>score ≥ threshold</c>, and so do these methods, ties at the threshold included.
/// </summary>
public static class AlertRates
{
    /// <summary>
    /// The score of the k-th highest row, k = ⌈rate · rows⌉ (at least 1): the highest threshold that flags
    /// at least that share. Ties at that score can flag a little more.
    /// </summary>
    public static double ThresholdAt(ReadOnlySpan<float> scores, double alertRate)
    {
        if (scores.IsEmpty)
        {
            throw new ArgumentException("No scores.", nameof(scores));
        }

        if (alertRate is <= 0 or > 1 || double.IsNaN(alertRate))
        {
            throw new ArgumentOutOfRangeException(nameof(alertRate), alertRate, "An alert rate lies in (0, 1].");
        }

        // The epsilon keeps 0.01 · 1000 (10.000000000000002 in binary) at 10 rows rather than 11.
        var k = Math.Max(1, (int)Math.Ceiling((alertRate * scores.Length) - 1e-9));
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return sorted[^k];
    }

    /// <summary>Alerts and caught frauds at <paramref name="threshold"/>.</summary>
    public static AlertOutcome At(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels, double threshold)
    {
        ScoredRows.Check(scores, labels);
        long alerts = 0;
        long caught = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= threshold)
            {
                alerts++;
                if (labels[i])
                {
                    caught++;
                }
            }
        }

        return new AlertOutcome(alerts, caught, scores.Length, ScoredRows.Positives(labels));
    }

    /// <summary>Recall when the period's own top <paramref name="alertRate"/> of scores is flagged.</summary>
    public static double RecallAt(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels, double alertRate) =>
        At(scores, labels, ThresholdAt(scores, alertRate)).Recall;

    /// <summary>
    /// The share of payments a period must flag to catch <paramref name="recall"/> of its frauds: flagged down to the
    /// score of the k-th highest scored fraud, k = ⌈recall · frauds⌉, ties included. Two deployments compared at one
    /// recall differ only in what they flag.
    /// </summary>
    public static AlertOutcome AtRecall(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels, double recall)
    {
        ScoredRows.Check(scores, labels);
        if (recall is <= 0 or > 1 || double.IsNaN(recall))
        {
            throw new ArgumentOutOfRangeException(nameof(recall), recall, "A recall lies in (0, 1].");
        }

        var frauds = new List<float>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (labels[i])
            {
                frauds.Add(scores[i]);
            }
        }

        if (frauds.Count == 0)
        {
            throw new ArgumentException("No frauds to catch.", nameof(labels));
        }

        frauds.Sort();
        var k = Math.Max(1, (int)Math.Ceiling((recall * frauds.Count) - 1e-9));
        return At(scores, labels, frauds[^k]);
    }
}
