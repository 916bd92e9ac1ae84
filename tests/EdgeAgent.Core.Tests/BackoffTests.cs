namespace EdgeAgent.Core.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void WithoutJitter_TheDelayDoublesFromTheFirstToTheLongest_AndStaysThere()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), jitter: 0);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([50, 100, 200, 300, 300, 300], delays);
    }

    [Fact]
    public void Reset_StartsAgainFromTheFirstDelay()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), jitter: 0);
        backoff.Next();
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next());
    }

    [Fact]
    public void WithJitter_EachDelayIsWithinItsSpread_AndTheDelaysAreNotAllAlike()
    {
        var delays = new List<double>();
        for (var client = 0; client < 200; client++)
        {
            var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
            var first = backoff.Next().TotalSeconds;
            var second = backoff.Next().TotalSeconds;
            Assert.InRange(first, 0.8, 1.2);
            Assert.InRange(second, 1.6, 2.4);
            delays.Add(first);
        }

        // Two hundred clients that failed together do not all come back in the same instant.
        Assert.True(delays.Distinct().Count() > 100, $"{delays.Distinct().Count()} distinct first delays of 200");
    }
}
