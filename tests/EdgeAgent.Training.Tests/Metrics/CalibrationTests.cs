using EdgeAgent.Training.Metrics;
using Xunit;

namespace EdgeAgent.Training.Tests.Metrics;

public sealed class CalibrationTests
{
    [Fact]
    public void Brier_is_the_mean_squared_error()
    {
        // (0.2² + 0.2² + 0.5²) / 3
        Assert.Equal((0.04 + 0.04 + 0.25) / 3, Calibration.Brier([0.8f, 0.2f, 0.5f], [true, false, true]), 6);
        Assert.Equal(0.0, Calibration.Brier([1f, 0f], [true, false]), 12);
    }

    [Fact]
    public void Ece_weights_each_bins_gap_by_its_share_of_rows()
    {
        // Bin 0: p 0.05, rate 0, weight 1/4. Bin 1: p 0.15, rate 0, weight 1/4.
        // Bin 9: mean p 0.95, rate 1/2, weight 2/4. ECE = 0.0125 + 0.0375 + 0.225 = 0.275.
        Assert.Equal(0.275, Calibration.ExpectedCalibrationError([0.05f, 0.15f, 0.95f, 0.95f], [false, false, true, false]), 6);
    }

    [Fact]
    public void Ece_is_zero_when_each_bins_rate_matches_its_mean_probability()
    {
        // Ten rows at 0.3 of which three are fraud, and two rows at 1.0 that both are.
        var probabilities = Enumerable.Repeat(0.3f, 10).Concat([1f, 1f]).ToArray();
        var labels = Enumerable.Range(0, 10).Select(i => i < 3).Concat([true, true]).ToArray();
        Assert.Equal(0.0, Calibration.ExpectedCalibrationError(probabilities, labels), 6);
    }

    [Fact]
    public void A_probability_of_one_falls_in_the_last_bin()
    {
        // With 1.0 in bin 9 beside 0.9: mean p 0.95, rate 1, gap 0.05. Were 1.0 dropped or put in a bin
        // of its own the result would differ.
        Assert.Equal(0.05, Calibration.ExpectedCalibrationError([0.9f, 1f], [true, true]), 6);
    }

    [Fact]
    public void Bin_count_changes_the_grouping()
    {
        // Two bins: [0, 0.5) holds 0.1 and 0.3 (mean 0.2, rate 0.5); [0.5, 1] holds 0.9 (rate 1).
        var ece = Calibration.ExpectedCalibrationError([0.1f, 0.3f, 0.9f], [false, true, true], bins: 2);
        Assert.Equal((2.0 / 3 * 0.3) + (1.0 / 3 * 0.1), ece, 6);
    }
}
