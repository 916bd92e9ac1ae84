using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Core.Tests.Telemetry;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_AreWithinTheBucketResolution()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 10_000; i++)
        {
            histogram.Record(i);
        }

        var snapshot = histogram.Snapshot();
        Assert.Equal(10_000, snapshot.Count);
        Assert.InRange(snapshot.Percentile(0.5), 5000, 5000 * 1.07);
        Assert.InRange(snapshot.Percentile(0.99), 9900, 9900 * 1.07);
        Assert.Equal(10_000, snapshot.MaxMicros);
        Assert.Equal(5000.5, snapshot.MeanMicros, 3);
    }

    [Fact]
    public void Since_GivesOnlyTheInterval()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10);
        var before = histogram.Snapshot();
        histogram.Record(1000);
        histogram.Record(1000);

        var interval = histogram.Snapshot().Since(before);

        Assert.Equal(2, interval.Count);
        Assert.InRange(interval.Percentile(0.5), 1000, 1070);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1_000_000)]
    [InlineData(123_456_789)]
    public void Buckets_HoldTheirValues(long micros)
    {
        var bucket = LatencyHistogram.BucketOf(micros);

        Assert.True(micros < LatencyHistogram.UpperBoundOf(bucket));
        Assert.True(bucket == 0 || micros >= LatencyHistogram.UpperBoundOf(bucket - 1));
    }

    [Fact]
    public void Empty_ReportsZero() => Assert.Equal(0, HistogramSnapshot.Empty.Percentile(0.99));
}
