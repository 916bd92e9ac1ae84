using EdgeAgent.Training.Metrics;

namespace EdgeAgent.Training.Evaluation;

/// <summary>ROC and precision–recall curves of one model on one set of rows, at most a few hundred points each.</summary>
public sealed record Curves(IReadOnlyList<(double X, double Y)> Roc, IReadOnlyList<(double X, double Y)> PrecisionRecall)
{
    private const int MaxPoints = 400;

    public static Curves Of(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        var order = ScoredRows.Descending(scores);
        double positives = ScoredRows.Positives(labels);
        var negatives = labels.Length - positives;
        var roc = new List<(double, double)> { (0, 0) };
        var pr = new List<(double, double)>();
        var step = Math.Max(1, order.Length / MaxPoints / 4);
        long tp = 0, fp = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = ScoredRows.EndOfTies(scores, order, start);
            for (var i = start; i < end; i++)
            {
                if (labels[order[i]])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            // Dense where few rows are flagged (the part that matters at a 1–2 % alert rate), sparse after.
            if (end < 4 * MaxPoints || end % step < end - start || end == order.Length)
            {
                roc.Add((fp / Math.Max(1, negatives), tp / Math.Max(1, positives)));
                pr.Add((tp / Math.Max(1, positives), tp / (double)(tp + fp)));
            }

            start = end;
        }

        return new Curves(Thin(roc), Thin(pr));
    }

    private static List<(double X, double Y)> Thin(List<(double X, double Y)> points)
    {
        if (points.Count <= MaxPoints)
        {
            return points;
        }

        var every = (double)points.Count / MaxPoints;
        var kept = new List<(double, double)>();
        for (var i = 0.0; i < points.Count; i += every)
        {
            kept.Add(points[(int)i]);
        }

        kept.Add(points[^1]);
        return kept;
    }
}
