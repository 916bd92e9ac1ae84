using EdgeAgent.Training.Data;
using Xunit;

namespace EdgeAgent.Training.Tests.Data;

public sealed class TimeSplitTests
{
    [Theory]
    [InlineData(1672531199, DataPart.None)] // 2022-12-31T23:59:59Z
    [InlineData(1672531200, DataPart.Train)] // 2023-01-01
    [InlineData(1696118399, DataPart.Train)] // 2023-09-30T23:59:59Z
    [InlineData(1696118400, DataPart.Validation)] // 2023-10-01
    [InlineData(1698796800, DataPart.Test)] // 2023-11-01
    [InlineData(1704067199, DataPart.Test)] // 2023-12-31T23:59:59Z
    [InlineData(1704067200, DataPart.None)] // 2024-01-01
    public void Default_split_assigns_by_utc_month(long unixSeconds, DataPart part)
    {
        Assert.Equal(part, TimeSplit.Default.PartOf(unixSeconds));
    }

    [Fact]
    public void Periods_must_follow_each_other()
    {
        Assert.Throws<ArgumentException>(() => new TimeSplit(
            MonthRange.Parse("2023-01..2023-10"), MonthRange.Parse("2023-10"), MonthRange.Parse("2023-11..2023-12")));
        Assert.Throws<ArgumentException>(() => new TimeSplit(
            MonthRange.Parse("2023-01..2023-09"), MonthRange.Parse("2023-12"), MonthRange.Parse("2023-11")));
    }
}
