namespace EdgeAgent.Training.Metrics;

/// <summary>Argument checks and orderings shared by the metrics.</summary>
internal static class ScoredRows
{
    public static void Check(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("No rows to evaluate.", nameof(scores));
        }

        foreach (var s in scores)
        {
            if (float.IsNaN(s))
            {
                throw new ArgumentException("A score is NaN.", nameof(scores));
            }
        }
    }

    /// <summary>Row indexes by descending score; equal scores end up next to each other.</summary>
    public static int[] Descending(ReadOnlySpan<float> scores)
    {
        var keys = new float[scores.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = -scores[i];
        }

        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    /// <summary>The end (exclusive) of the run of equal scores that starts at <paramref name="start"/> in <paramref name="order"/>.</summary>
    public static int EndOfTies(ReadOnlySpan<float> scores, int[] order, int start)
    {
        var end = start + 1;
        while (end < order.Length && scores[order[end]] == scores[order[start]])
        {
            end++;
        }

        return end;
    }

    public static long Positives(ReadOnlySpan<bool> labels)
    {
        long count = 0;
        foreach (var l in labels)
        {
            if (l)
            {
                count++;
            }
        }

        return count;
    }
}
