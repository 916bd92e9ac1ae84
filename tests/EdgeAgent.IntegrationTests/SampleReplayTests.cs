using EdgeAgent.Simulator;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// The load generator's replay of its sample: beyond the sample's end it pays the same cards again, whole days later,
/// so a long run's cards keep a history at the sample's pace (a store's), neither starting over as unseen cards nor
/// receiving their own payments a second time at the same moments.
/// </summary>
public sealed class SampleReplayTests
{
    private static readonly PaymentSample Sample = PaymentSample.Load();

    [Fact]
    public void Replay_WithinTheSample_IsTheSamplesOwnPaymentAndTime()
    {
        for (var i = 0; i < Sample.Records.Count; i += 997)
        {
            var (record, cycle, time) = Sample.Replay(i);
            Assert.Same(Sample.Records[i], record);
            Assert.Equal(0, cycle);
            Assert.Equal(record.UnixTime, time.ToUnixTimeSeconds());
        }
    }

    [Fact]
    public void Replay_BeyondTheSample_PaysTheSameCardsWholeDaysLater_AfterEverythingBefore()
    {
        var count = Sample.Records.Count;

        // The bundled sample runs from 2023-11-24 00:54 to 2023-12-02 23:59: each replay comes nine days after the last.
        var (first, _, firstTime) = Sample.Replay(0);
        var (again, cycle, againTime) = Sample.Replay(count);
        Assert.Same(first, again);
        Assert.Equal(1, cycle);
        Assert.Equal(TimeSpan.FromDays(9), againTime - firstTime);

        var (_, third, thirdTime) = Sample.Replay((2L * count) + 5);
        Assert.Equal(2, third);
        Assert.Equal(Sample.Records[5].UnixTime + (2 * 9 * 86_400), thirdTime.ToUnixTimeSeconds());
        Assert.Equal(Sample.Records[5].CardNumber, Sample.Replay((2L * count) + 5).Record.CardNumber);

        // Time never runs backwards across a replay's start, and the time of day is the sample's.
        var lastOfFirst = Sample.Replay(count - 1).Time;
        Assert.True(againTime >= lastOfFirst, $"{againTime} before {lastOfFirst}");
        Assert.Equal(firstTime.TimeOfDay, againTime.TimeOfDay);
    }
}
