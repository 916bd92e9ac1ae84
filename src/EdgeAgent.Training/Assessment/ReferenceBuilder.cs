using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Assessment;

/// <summary>
/// The training months in bins, for the drift watch: every feature in deciles (a feature with few distinct values
/// gets one bin per value), the score in deciles plus finer bins at the top where the alerts are, each feature's
/// median (the baseline reasons are measured against), and the band the hourly alert rate kept on the validation month.
/// </summary>
public static class ReferenceBuilder
{
    /// <summary>Features with at most this many distinct values get a bin per value.</summary>
    public const int MaxDistinctForValueBins = 16;

    /// <summary>Fewest payments an hour needs for its alert rate to count in the band.</summary>
    public const int MinPaymentsPerHour = 30;

    private static readonly double[] FeatureQuantiles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    private static readonly double[] ScoreQuantiles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995];

    public static ModelReference Build(
        string period, FeatureMatrix train, float[] trainScores, string validationPeriod, FeatureMatrix validation, float[] validationScores, double review)
    {
        var features = new List<FeatureDistribution>(FeatureSchema.Count);
        var baseline = new float[FeatureSchema.Count];
        var column = new float[train.Rows];
        for (var f = 0; f < FeatureSchema.Count; f++)
        {
            for (var r = 0; r < train.Rows; r++)
            {
                column[r] = train.Row(r)[f];
            }

            features.Add(new FeatureDistribution { Name = FeatureSchema.Names[f], Distribution = Bin(column, FeatureQuantiles) });
            Array.Sort(column);
            baseline[f] = column.Length == 0 ? 0 : column[column.Length / 2];
        }

        return new ModelReference
        {
            Period = period,
            Rows = train.Rows,
            Score = Bin(trainScores, ScoreQuantiles),
            Features = features,
            Baseline = baseline,
            AlertRate = Band(validationPeriod, validation.Times, validationScores, review),
        };
    }

    /// <summary>Quantile edges (or one edge per value, for few distinct values) and the share of rows in each bin.</summary>
    public static BinnedDistribution Bin(ReadOnlySpan<float> values, IReadOnlyList<double> quantiles)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var distinct = new SortedSet<float>();
        foreach (var v in sorted)
        {
            if (distinct.Count > MaxDistinctForValueBins)
            {
                break;
            }

            distinct.Add(v);
        }

        float[] edges = distinct.Count <= MaxDistinctForValueBins
            ? [.. distinct]
            : [.. quantiles.Select(q => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))]).Distinct()];
        var counts = new long[edges.Length + 1];
        foreach (var v in values)
        {
            counts[BinnedDistribution.BinOf(edges, v)]++;
        }

        var total = (double)Math.Max(1, values.Length);
        return new BinnedDistribution
        {
            Edges = edges,
            Shares = [.. counts.Select(c => Math.Round(c / total, 6))],
        };
    }

    /// <summary>The share of payments at or above <paramref name="review"/> in each UTC hour with enough payments: overall, 1st and 99th percentile.</summary>
    public static AlertRateBand Band(string period, ReadOnlySpan<long> times, ReadOnlySpan<float> scores, double review)
    {
        var hours = new SortedDictionary<long, (int Payments, int Alerts)>();
        long alerts = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var hour = times[i] / 3600;
            var (payments, flagged) = hours.GetValueOrDefault(hour);
            var alert = scores[i] >= review ? 1 : 0;
            hours[hour] = (payments + 1, flagged + alert);
            alerts += alert;
        }

        var rates = hours.Values.Where(h => h.Payments >= MinPaymentsPerHour).Select(h => h.Alerts / (double)h.Payments).Order().ToArray();
        return new AlertRateBand
        {
            Expected = Math.Round(alerts / (double)Math.Max(1, scores.Length), 6),
            HourlyLow = rates.Length == 0 ? 0 : Math.Round(rates[(int)(0.01 * (rates.Length - 1))], 6),
            HourlyHigh = rates.Length == 0 ? 1 : Math.Round(rates[(int)Math.Ceiling(0.99 * (rates.Length - 1))], 6),
            MinPaymentsPerHour = MinPaymentsPerHour,
            Period = period,
        };
    }
}
