namespace EdgeAgent.Training.Metrics;

/// <summary>
/// Average precision, the step-wise area under the precision–recall curve: Σ (Rₖ − Rₖ₋₁) · Pₖ over the
/// distinct score thresholds from the top. Ties form one step, as in scikit-learn. With frauds around 1 %
/// of payments it says far more than ROC-AUC about the few alerts anyone will look at.
/// </summary>
public static class AveragePrecision
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        ScoredRows.Check(scores, labels);
        var positives = ScoredRows.Positives(labels);
        if (positives == 0)
        {
            throw new ArgumentException("Average precision needs at least one fraud.", nameof(labels));
        }

        var order = ScoredRows.Descending(scores);
        long truePositives = 0;
        long flagged = 0;
        double previousRecall = 0;
        double sum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = ScoredRows.EndOfTies(scores, order, start);
            for (var i = start; i < end; i++)
            {
                if (labels[order[i]])
                {
                    truePositives++;
                }
            }

            flagged += end - start;
            var recall = truePositives / (double)positives;
            sum += (recall - previousRecall) * (truePositives / (double)flagged);
            previousRecall = recall;
            start = end;
        }

        return sum;
    }
}
