using EdgeAgent.Cloud.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Cloud.Tests.Unit;

public sealed class SendPacerTests
{
    [Fact]
    public void Sends_AreSpacedByTheMessageRate_OrTheByteRate_WhicheverIsSlower()
    {
        var time = new FakeTimeProvider();
        var pacer = new SendPacer(maxMessagesPerSecond: 10, maxBytesPerSecond: 100_000, time);

        Assert.Equal(TimeSpan.Zero, pacer.Reserve(1_000));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Reserve(50_000)); // the first took a 100 ms slot
        Assert.Equal(TimeSpan.FromMilliseconds(600), pacer.Reserve(1_000)); // the 50 KB one took 500 ms

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve(1_000)); // an idle pacer does not save up a burst
    }
}
