using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class ThresholdChooserTests
{
    private static readonly float[] Scores = Enumerable.Range(1, 1000).Select(i => i / 1000f).ToArray();
    private static readonly bool[] Labels = Enumerable.Range(1, 1000).Select(i => i % 50 == 0).ToArray();

    [Fact]
    public void Review_and_decline_flag_their_shares_of_the_period()
    {
        var thresholds = ThresholdChooser.Choose(Scores, Labels, "validation 2023-10", reviewRate: 0.01, declineRate: 0.002);
        Assert.Equal(0.991f, (float)thresholds.Review);
        Assert.Equal(0.999f, (float)thresholds.Decline);
        Assert.Equal(0.01, thresholds.ReviewAlertRate, 12);
        Assert.Equal(0.002, thresholds.DeclineAlertRate, 12);
        Assert.Equal("validation 2023-10", thresholds.ChosenOn);
        thresholds.AsThresholds.Validate();
    }

    [Fact]
    public void Defaults_review_two_percent_and_decline_half_a_percent()
    {
        var thresholds = ThresholdChooser.Choose(Scores, Labels, "validation");
        Assert.Equal(0.02, thresholds.ReviewAlertRate, 12);
        Assert.Equal(0.005, thresholds.DeclineAlertRate, 12);
    }

    [Fact]
    public void Recorded_rates_are_what_the_thresholds_really_flag()
    {
        // Every score equal: any threshold flags all rows, and the card must say so.
        var scores = Enumerable.Repeat(0.5f, 100).ToArray();
        var thresholds = ThresholdChooser.Choose(scores, new bool[100], "validation");
        Assert.Equal(1.0, thresholds.ReviewAlertRate, 12);
        Assert.Equal(1.0, thresholds.DeclineAlertRate, 12);
    }

    [Fact]
    public void A_decline_rate_above_the_review_rate_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ThresholdChooser.Choose(Scores, Labels, "v", reviewRate: 0.001, declineRate: 0.01));
    }
}
