using System.Diagnostics.Metrics;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Telemetry;

public sealed class PipelineMetricsTests
{
    [Fact]
    public void Counts_AreReadBackFromTheInstruments()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory);

        metrics.CountReceived();
        metrics.CountReceived();
        metrics.CountScored(Decision.Review);
        metrics.CountRejected([new ValidationError("pan", ValidationCodes.LuhnCheckFailed, "x"), new ValidationError("pan", ValidationCodes.LuhnCheckFailed, "y"), new ValidationError("amount", ValidationCodes.OutOfRange, "z")]);
        metrics.CountInference(3);
        metrics.CountAcknowledged(2);
        metrics.CountAnswers(published: 2, failed: 1);

        Assert.Equal(2, metrics.Received);
        Assert.Equal(1, metrics.Scored);
        Assert.Equal(1, metrics.DecisionCount(Decision.Review));
        Assert.Equal(0, metrics.DecisionCount(Decision.Approve));
        Assert.Equal(1, metrics.Rejected);
        Assert.Equal(1, metrics.RejectionsByCode()[ValidationCodes.LuhnCheckFailed]);
        Assert.Equal(1, metrics.RejectionsByCode()[ValidationCodes.OutOfRange]);
        Assert.Equal(0, metrics.RejectionsByCode()[ValidationCodes.Required]);
        Assert.Equal(3, metrics.InferenceRows);
        Assert.Equal(1, metrics.InferenceBatches);
        Assert.Equal(0, metrics.InFlight);
        Assert.Equal(1, metrics.AnswerFailures);
    }

    [Fact]
    public void StageDurations_AreRecordedInSeconds_AndReadBackInMicroseconds()
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
        var inference = metrics.Stage(PipelineStage.Inference).Snapshot();
        Assert.Equal(1, inference.Count);
        Assert.InRange(inference.Percentile(0.5), 250, 260);
        Assert.Equal(0, metrics.Stage(PipelineStage.Persist).Snapshot().Count);
    }

    [Fact]
    public void StageDurations_CountInTheTimestampsOfTheClockTheMetricsWereGiven()
    {
        var time = new FakeTimeProvider();
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory, time);

        var started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(40));
        metrics.Stage(PipelineStage.Persist).RecordTicks(started, time.GetTimestamp());

        Assert.InRange(metrics.Stage(PipelineStage.Persist).Snapshot().Percentile(0.5), 40_000, 42_000);
    }

    [Fact]
    public void TwoHosts_SeeOnlyTheirOwnMeasurements_AndInstrumentsAddedLater()
    {
        using var factoryA = new TestMeterFactory();
        using var factoryB = new TestMeterFactory();
        using var a = new PipelineMetrics(factoryA);
        using var b = new PipelineMetrics(factoryB);

        a.CountReceived();
        a.Stage(PipelineStage.Total).Record(100);
        var drift = factoryA.Create(new MeterOptions(AgentMeter.Name));
        drift.CreateObservableGauge("edgeagent.model.drift.psi", () => new Measurement<double>(0.3, new KeyValuePair<string, object?>("feature", "amount")));
        a.Reader.Observe();
        b.Reader.Observe();

        Assert.Equal(1, a.Received);
        Assert.Equal(0, b.Received);
        Assert.Equal(0, b.Stage(PipelineStage.Total).Snapshot().Count);
        Assert.Equal(0.3, Assert.Single(a.Reader.Instrument("edgeagent.model.drift.psi")!.Series).Value);
        Assert.Null(b.Reader.Instrument("edgeagent.model.drift.psi"));
    }

    [Fact]
    public void Reader_KeepsObservableTotals_AsTheyAre_AndGaugesAsTheLastValue()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory);
        var meter = factory.Create(new MeterOptions(AgentMeter.Name));
        long total = 5;
        meter.CreateObservableCounter("edgeagent.test.total", () => total);
        var level = meter.CreateGauge<int>("edgeagent.test.level");

        metrics.Reader.Observe();
        total = 7;
        metrics.Reader.Observe();
        level.Record(4);
        level.Record(2);

        Assert.Equal(7, metrics.Reader.Total("edgeagent.test.total"));
        Assert.Equal(2, metrics.Reader.Total("edgeagent.test.level"));
        Assert.Equal(InstrumentKind.Gauge, metrics.Reader.Instrument("edgeagent.test.level")!.Kind);
    }

    [Fact]
    public void StartSeries_CreatesEverySeries_WithoutChangingATotal()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory);
        metrics.CountScored(Decision.Approve);

        metrics.StartSeries();

        Assert.Equal(1, metrics.Scored);
        Assert.Equal(3, metrics.Reader.Instrument(MetricNames.PaymentsScored)!.Series.Count);
        Assert.Equal(ValidationCodes.All.Count, metrics.Reader.Instrument(MetricNames.RejectionReasons)!.Series.Count);
        Assert.Equal(0, metrics.Reader.Total(MetricNames.ModelErrors));
        Assert.NotNull(metrics.Reader.Instrument(MetricNames.ModelErrors)!.Series.SingleOrDefault());
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
        using var factory = new TestMeterFactory();
        using var metrics = new PipelineMetrics(factory);
        var time = new FakeTimeProvider();
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        var answer = metrics.Stage(PipelineStage.Answer);

        var recorded = answer.RecordWhenDone([first.Task, second.Task], time, time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(3));
        first.SetResult();
        Assert.Equal(0, answer.Snapshot().Count);
        time.Advance(TimeSpan.FromMilliseconds(4));
        second.SetException(new InvalidOperationException("the broker went away"));
        await recorded.WaitAsync(TimeSpan.FromSeconds(30));

        var timed = answer.Snapshot();
        Assert.Equal(1, timed.Count);
        Assert.InRange(timed.SumMicros, 6_999, 7_001);

        // Answers the broker already took when the batch is handed over are timed at once.
        await answer.RecordWhenDone([Task.CompletedTask], time, time.GetTimestamp() - (time.TimestampFrequency / 1000));
        Assert.Equal(2, answer.Snapshot().Count);
        Assert.Equal(0, metrics.Stage(PipelineStage.Total).Snapshot().Count);
    }
}
