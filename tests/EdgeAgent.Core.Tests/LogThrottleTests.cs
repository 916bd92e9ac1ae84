using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests;

public sealed class LogThrottleTests
{
    [Fact]
    public void TheFirstLinePasses_TheRestOfTheIntervalIsHeldBack_AndTheNextLineCountsIt()
    {
        var time = new FakeTimeProvider(TestPayments.Now);
        var throttle = new LogThrottle(time, TimeSpan.FromMinutes(1));

        Assert.True(throttle.TryLog(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 4; i++)
        {
            Assert.False(throttle.TryLog(out _));
        }

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(throttle.TryLog(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryLog(out var next));
        Assert.Equal(5, next);
        Assert.False(throttle.TryLog(out _));
    }

    [Fact]
    public void OccurrencesReportedTogether_AreCountedTogether()
    {
        var time = new FakeTimeProvider(TestPayments.Now);
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.TryLog(3, out _));
        Assert.False(throttle.TryLog(7, out _));
        Assert.False(throttle.TryLog(2, out _));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(throttle.TryLog(1, out var unlogged));
        Assert.Equal(9, unlogged);
    }

    [Fact]
    public void EachKeyHasItsOwnInterval_SoAFloodOfOneHidesNoOther()
    {
        var time = new FakeTimeProvider(TestPayments.Now);
        var throttle = new KeyedLogThrottle<string>(time, TimeSpan.FromMinutes(1));

        Assert.True(throttle.TryLog("pan_key_unknown", out _));
        Assert.False(throttle.TryLog("pan_key_unknown", out _));
        Assert.False(throttle.TryLog("pan_key_unknown", out _));
        Assert.True(throttle.TryLog("pan_clear_refused", out var other));
        Assert.Equal(0, other);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.TryLog("pan_key_unknown", out var unlogged));
        Assert.Equal(2, unlogged);
    }

    [Fact]
    public void ThreadsReportingAtOnce_LetOneLineThrough_AndLoseNoCount()
    {
        var time = new FakeTimeProvider(TestPayments.Now);
        var throttle = new KeyedLogThrottle<int>(time, TimeSpan.FromMinutes(1));
        var passed = 0;

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (throttle.TryLog(1, out _))
                {
                    Interlocked.Increment(ref passed);
                }
            }
        });
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, passed);
        Assert.True(throttle.TryLog(1, out var unlogged));
        Assert.Equal((8 * 10_000) - 1, unlogged);
    }
}
