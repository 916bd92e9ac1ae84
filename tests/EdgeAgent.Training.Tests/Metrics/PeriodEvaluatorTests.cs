using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class PeriodEvaluatorTests
{
    [Fact]
    public void Fills_every_metric_and_the_threshold_outcomes()
    {
        var scores = Enumerable.Range(1, 1000).Select(i => i / 1000f).ToArray();
        var labels = Enumerable.Range(1, 1000).Select(i => i > 990).ToArray();
        var thresholds = new ThresholdSpec { Review = 0.9955, Decline = 0.9985 };

        var m = PeriodEvaluator.Evaluate("test 2023-11..2023-12", scores, labels, thresholds);

        Assert.Equal("test 2023-11..2023-12", m.Period);
        Assert.Equal(1000, m.Rows);
        Assert.Equal(10, m.Frauds);
        Assert.Equal(1.0, m.RocAuc);
        Assert.Equal(1.0, m.PrAuc);
        Assert.Equal(0.5, m.RecallAtHalfPctAlertRate);
        Assert.Equal(1.0, m.RecallAt1PctAlertRate);
        Assert.Equal(0.5, m.RecallAtReview);
        Assert.Equal(0.005, m.AlertRateAtReview);
        Assert.Equal(0.2, m.RecallAtDecline);
        Assert.Equal(0.002, m.AlertRateAtDecline);
        Assert.NotNull(m.Brier);
        Assert.NotNull(m.ExpectedCalibrationError);
    }

    [Fact]
    public void Without_thresholds_the_threshold_outcomes_stay_empty()
    {
        var m = PeriodEvaluator.Evaluate("p", [0.9f, 0.1f], [true, false]);
        Assert.Null(m.RecallAtReview);
        Assert.Null(m.AlertRateAtDecline);
    }
}
