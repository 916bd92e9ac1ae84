using EdgeAgent.Training.Data;
using Xunit;

namespace EdgeAgent.Training.Tests.Data;

public sealed class MonthRangeTests
{
    private const long Jan1 = 1672531200; // 2023-01-01T00:00:00Z
    private const long Oct1 = 1696118400; // 2023-10-01T00:00:00Z

    [Fact]
    public void A_range_covers_whole_utc_months()
    {
        var range = MonthRange.Parse("2023-01..2023-09");
        Assert.Equal(Jan1, range.StartUnixSeconds);
        Assert.Equal(Oct1, range.EndUnixSeconds);
        Assert.True(range.Contains(Jan1));
        Assert.True(range.Contains(Oct1 - 1));
        Assert.False(range.Contains(Oct1));
        Assert.False(range.Contains(Jan1 - 1));
    }

    [Fact]
    public void A_single_month_prints_as_one_month()
    {
        var october = MonthRange.Parse("2023-10");
        Assert.Equal("2023-10", october.ToString());
        Assert.Equal(Oct1, october.StartUnixSeconds);
        Assert.Equal(1698796800, october.EndUnixSeconds); // 2023-11-01
        Assert.Equal("2023-11..2023-12", MonthRange.Parse("2023-11..2023-12").ToString());
    }

    [Fact]
    public void A_range_may_cross_a_year()
    {
        var range = MonthRange.Parse("2022-12..2023-01");
        Assert.True(range.Contains(Jan1 - 1));
        Assert.True(range.Contains(Jan1));
    }

    [Theory]
    [InlineData("2023-13")]
    [InlineData("2023-09..2023-01")]
    [InlineData("2023-01..2023-02..2023-03")]
    [InlineData("Oct 2023")]
    public void Rejects_malformed_ranges(string text)
    {
        Assert.Throws<FormatException>(() => MonthRange.Parse(text));
    }
}
