using System.Diagnostics.Metrics;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Telemetry;

/// <summary>What the pipeline's instruments record; reading them back is the host's (its PipelineReadings).</summary>
public sealed class PipelineMetricsTests
{
    [Fact]
    public void StageDurations_AreRecordedInSeconds_TaggedWithTheStage()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory);
        var exported = new List<(double Seconds, string? Stage)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == MetricNames.StageDuration && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => exported.Add((value, tags[0].Value as string)));
        listener.Start();

        metrics.Stage(PipelineStage.Inference).Record(250);
        metrics.Stage(PipelineStage.Total).RecordTicks(0, TimeProvider.System.TimestampFrequency / 1000);

        Assert.Equal([(0.00025, "compute_infer"), (0.001, "request")], exported);
    }

    [Fact]
    public void StageDurations_CountInTheTimestampsOfTheClockTheMetricsWereGiven()
    {
        var time = new FakeTimeProvider();
        using var metrics = new PipelineMetrics(time);
        using var stages = new MetricCollector<double>(metrics.Meter, MetricNames.StageDuration);

        var started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(40));
        metrics.Stage(PipelineStage.Persist).RecordTicks(started, time.GetTimestamp());

        var persisted = Assert.Single(stages.GetMeasurementSnapshot());
        Assert.Equal("persist", persisted.Tags[MetricNames.StageTag]);
        Assert.Equal(0.040, persisted.Value, 9);
    }

    [Fact]
    public void EveryStage_HasOneName_InTheTable()
    {
        var names = Enum.GetValues<PipelineStage>().Select(PipelineStageNames.Of).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[a-z_]+$", n));
        Assert.Equal("compute_infer", PipelineStageNames.Of(PipelineStage.Inference));
        Assert.Equal("queue", PipelineStageNames.Of(PipelineStage.IngestWait));
    }

    [Fact]
    public async Task AnswerStage_IsTimedUntilTheLastAnswerIsDone_FailedOrNot()
    {
        using var metrics = new PipelineMetrics();
        using var stages = new MetricCollector<double>(metrics.Meter, MetricNames.StageDuration);
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        var answer = metrics.Stage(PipelineStage.Answer);
        IReadOnlyList<double> Answers() => [.. stages.GetMeasurementSnapshot().Where(m => Equals(m.Tags[MetricNames.StageTag], "answer")).Select(m => m.Value)];

        var recorded = answer.RecordWhenDone([first.Task, second.Task], time, time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(3));
        first.SetResult();
        Assert.Empty(Answers());
        time.Advance(TimeSpan.FromMilliseconds(4));
        second.SetException(new InvalidOperationException("the broker went away"));
        await recorded.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(Assert.Single(Answers()), 0.006_999, 0.007_001);

        // Answers the broker already took when the batch is handed over are timed at once.
        await answer.RecordWhenDone([Task.CompletedTask], time, time.GetTimestamp() - (time.TimestampFrequency / 1000));
        Assert.Equal(2, Answers().Count);
        Assert.All(stages.GetMeasurementSnapshot(), m => Assert.Equal("answer", m.Tags[MetricNames.StageTag]));
    }
}
