using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class RocAucTests
{
    [Fact]
    public void Perfect_ranking_is_one_and_reversed_is_zero()
    {
        bool[] labels = [true, true, false, false];
        Assert.Equal(1.0, RocAuc.Compute([0.9f, 0.8f, 0.2f, 0.1f], labels), 12);
        Assert.Equal(0.0, RocAuc.Compute([0.1f, 0.2f, 0.8f, 0.9f], labels), 12);
    }

    [Fact]
    public void Counts_the_share_of_correctly_ordered_pairs()
    {
        // Pairs (fraud, genuine): (0.9, 0.8) (0.9, 0.6) (0.7, 0.6) right, (0.7, 0.8) wrong: 3 of 4.
        Assert.Equal(0.75, RocAuc.Compute([0.9f, 0.8f, 0.7f, 0.6f], [true, false, true, false]), 12);
    }

    [Fact]
    public void Ties_between_a_fraud_and_a_genuine_payment_count_half()
    {
        Assert.Equal(0.5, RocAuc.Compute([0.5f, 0.5f], [true, false]), 12);

        // (0.8, 0.5) (0.8, 0.2) (0.5, 0.2) right, (0.5, 0.5) tied: 3.5 of 4.
        Assert.Equal(0.875, RocAuc.Compute([0.8f, 0.5f, 0.5f, 0.2f], [true, true, false, false]), 12);
    }

    [Fact]
    public void Does_not_depend_on_row_order()
    {
        Assert.Equal(
            RocAuc.Compute([0.9f, 0.8f, 0.7f, 0.6f, 0.3f], [true, false, true, false, false]),
            RocAuc.Compute([0.3f, 0.7f, 0.6f, 0.9f, 0.8f], [false, true, false, true, false]),
            12);
    }

    [Fact]
    public void Needs_both_classes()
    {
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.1f, 0.2f], [true, true]));
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.1f, 0.2f], [false, false]));
    }

    [Fact]
    public void Rejects_mismatched_lengths_and_nan()
    {
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.1f, 0.2f], [true]));
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([float.NaN, 0.2f], [true, false]));
    }
}
