using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Core.Tests.Telemetry;

public sealed class RecentRejectionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Latest_IsNewestFirst_AndKeepsOnlyTheCapacity()
    {
        var ring = new RecentRejections(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            ring.Add(ValidationCodes.All[i], new TopicAddress("s1", "t" + i), T0.AddSeconds(i));
        }

        var latest = ring.Latest();

        Assert.Equal(["t4", "t3", "t2"], latest.Select(r => r.TerminalId));
        Assert.Equal(ValidationCodes.All[4], latest[0].Code);
        Assert.Equal(5, ring.Added);
    }

    [Fact]
    public void WithoutAnAddress_StoreAndTerminalAreUnknown()
    {
        var ring = new RecentRejections();

        ring.Add(ValidationCodes.InvalidTopic, null, T0);

        var only = Assert.Single(ring.Latest());
        Assert.Null(only.StoreId);
        Assert.Null(only.TerminalId);
        Assert.Equal(T0, only.At);
    }

    [Fact]
    public void Empty_HasNone() => Assert.Empty(new RecentRejections().Latest());
}
