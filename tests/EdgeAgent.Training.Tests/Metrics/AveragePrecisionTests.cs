using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class AveragePrecisionTests
{
    [Fact]
    public void Perfect_ranking_is_one()
    {
        Assert.Equal(1.0, AveragePrecision.Compute([0.9f, 0.8f, 0.2f, 0.1f], [true, true, false, false]), 12);
    }

    [Fact]
    public void Sums_recall_steps_times_precision()
    {
        // 0.9 fraud: recall 1/2, precision 1; 0.8 genuine: no step; 0.7 fraud: recall 1, precision 2/3.
        // AP = 0.5 · 1 + 0.5 · 2/3 = 5/6.
        Assert.Equal(5.0 / 6.0, AveragePrecision.Compute([0.9f, 0.8f, 0.7f, 0.6f], [true, false, true, false]), 12);
    }

    [Fact]
    public void Tied_scores_form_one_step()
    {
        // Threshold 0.5 flags both tied rows: recall 1/2 at precision 1/2; then 0.1: recall 1 at 2/3.
        // AP = 0.5 · 0.5 + 0.5 · 2/3 = 7/12, whichever order the tied rows come in.
        Assert.Equal(7.0 / 12.0, AveragePrecision.Compute([0.5f, 0.5f, 0.1f], [true, false, true]), 12);
        Assert.Equal(7.0 / 12.0, AveragePrecision.Compute([0.5f, 0.5f, 0.1f], [false, true, true]), 12);
    }

    [Fact]
    public void Worst_ranking_equals_precision_at_full_recall_steps()
    {
        // Fraud last: one step to recall 1 at precision 1/4.
        Assert.Equal(0.25, AveragePrecision.Compute([0.9f, 0.8f, 0.7f, 0.1f], [false, false, false, true]), 12);
    }

    [Fact]
    public void Needs_a_fraud()
    {
        Assert.Throws<ArgumentException>(() => AveragePrecision.Compute([0.1f, 0.2f], [false, false]));
    }
}
