namespace EdgeAgent.Training.Metrics;

/// <summary>
/// Area under the ROC curve: the chance that a random fraud scores above a random genuine payment, ties
/// counting half (Mann–Whitney U with mid-ranks).
/// </summary>
public static class RocAuc
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        ScoredRows.Check(scores, labels);
        var positives = ScoredRows.Positives(labels);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("ROC-AUC needs both frauds and genuine payments.", nameof(labels));
        }

        // Ranks from the top: the rank sum of positives counted from the bottom is n + 1 - rank from the top.
        var order = ScoredRows.Descending(scores);
        var n = order.Length;
        double positiveRankSum = 0;
        for (var start = 0; start < n;)
        {
            var end = ScoredRows.EndOfTies(scores, order, start);
            var midRankFromBottom = n + 1 - ((start + 1 + end) / 2.0);
            for (var i = start; i < end; i++)
            {
                if (labels[order[i]])
                {
                    positiveRankSum += midRankFromBottom;
                }
            }

            start = end;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }
}
