using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class AlertRatesTests
{
    private static readonly float[] TenScores = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f];

    [Fact]
    public void Threshold_is_the_score_of_the_kth_highest_row()
    {
        Assert.Equal(0.9f, (float)AlertRates.ThresholdAt(TenScores, 0.2));
        Assert.Equal(1.0f, (float)AlertRates.ThresholdAt(TenScores, 0.1));
        Assert.Equal(0.1f, (float)AlertRates.ThresholdAt(TenScores, 1.0));
    }

    [Fact]
    public void A_rate_between_rows_rounds_up_to_the_next_row()
    {
        // 0.15 · 10 = 1.5 rows: two rows are needed to reach the rate.
        Assert.Equal(0.9f, (float)AlertRates.ThresholdAt(TenScores, 0.15));

        // A rate below one row still flags the top row.
        Assert.Equal(1.0f, (float)AlertRates.ThresholdAt(TenScores, 0.0001));
    }

    [Fact]
    public void One_percent_of_a_thousand_is_ten_rows_despite_binary_rounding()
    {
        var scores = Enumerable.Range(1, 1000).Select(i => i / 1000f).ToArray();
        Assert.Equal(0.991f, (float)AlertRates.ThresholdAt(scores, 0.01));
    }

    [Fact]
    public void Outcome_flags_scores_at_or_above_the_threshold()
    {
        bool[] labels = [false, false, false, false, false, false, true, false, true, true];
        var outcome = AlertRates.At(TenScores, labels, 0.8f);
        Assert.Equal(3, outcome.Alerts);
        Assert.Equal(2, outcome.Caught);
        Assert.Equal(0.3, outcome.AlertRate, 12);
        Assert.Equal(2.0 / 3.0, outcome.Recall, 12);
    }

    [Fact]
    public void Ties_at_the_threshold_are_all_flagged()
    {
        float[] scores = [0.9f, 0.5f, 0.5f, 0.5f, 0.1f];
        bool[] labels = [true, false, true, false, false];
        var outcome = AlertRates.At(scores, labels, AlertRates.ThresholdAt(scores, 0.4));
        Assert.Equal(4, outcome.Alerts);
        Assert.Equal(1.0, outcome.Recall, 12);
    }

    [Fact]
    public void Recall_at_rate_counts_frauds_in_the_top_share()
    {
        bool[] labels = [true, false, false, false, false, false, false, true, false, true];
        Assert.Equal(1.0 / 3.0, AlertRates.RecallAt(TenScores, labels, 0.1), 12);
        Assert.Equal(2.0 / 3.0, AlertRates.RecallAt(TenScores, labels, 0.3), 12);
    }

    [Fact]
    public void Recall_without_frauds_is_nan()
    {
        Assert.True(double.IsNaN(AlertRates.At([0.5f], [false], 0.1).Recall));
    }

    [Fact]
    public void Rejects_rates_outside_zero_to_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRates.ThresholdAt(TenScores, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRates.ThresholdAt(TenScores, 1.5));
    }

    [Fact]
    public void At_a_recall_flags_down_to_the_kth_highest_fraud_ties_included()
    {
        float[] scores = [0.9f, 0.8f, 0.7f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f];
        bool[] labels = [true, false, false, true, false, false, false, true, false, false];

        var third = AlertRates.AtRecall(scores, labels, 1.0);
        Assert.Equal(8, third.Alerts); // down to 0.3, the lowest fraud
        Assert.Equal(1.0, third.Recall);

        var second = AlertRates.AtRecall(scores, labels, 0.5); // ⌈1.5⌉ = 2 frauds: down to 0.7, both 0.7s flagged
        Assert.Equal(4, second.Alerts);
        Assert.Equal(2, second.Caught);

        Assert.Equal(1, AlertRates.AtRecall(scores, labels, 1.0 / 3.0).Alerts);
        Assert.Throws<ArgumentOutOfRangeException>(() => AlertRates.AtRecall(scores, labels, 0));
        Assert.Throws<ArgumentException>(() => AlertRates.AtRecall(scores, new bool[10], 0.5));
    }
}
