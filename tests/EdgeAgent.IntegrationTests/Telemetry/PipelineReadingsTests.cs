using System.Diagnostics.Metrics;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>
/// The host's read-back of the pipeline's instruments, on meter factories as a host makes them (its service
/// provider's): what /status and the cloud snapshots show.
/// </summary>
public sealed class PipelineReadingsTests : IDisposable
{
    private readonly ServiceProvider _hostA = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceProvider _hostB = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory FactoryA => _hostA.GetRequiredService<IMeterFactory>();

    private IMeterFactory FactoryB => _hostB.GetRequiredService<IMeterFactory>();

    public void Dispose()
    {
        _hostA.Dispose();
        _hostB.Dispose();
    }

    [Fact]
    public void Counts_AreReadBackFromTheInstruments()
    {
        using var readings = new PipelineReadings(FactoryA);
        using var metrics = new PipelineMetrics(FactoryA);

        metrics.CountReceived();
        metrics.CountReceived();
        metrics.CountScored(Decision.Review);
        metrics.CountRejected([new ValidationError("pan", ValidationCodes.LuhnCheckFailed, "x"), new ValidationError("pan", ValidationCodes.LuhnCheckFailed, "y"), new ValidationError("amount", ValidationCodes.OutOfRange, "z")]);
        metrics.CountInference(3);
        metrics.CountAcknowledged(2);
        metrics.CountAnswers(published: 2, failed: 1);

        Assert.Equal(2, readings.Received);
        Assert.Equal(1, readings.Scored);
        Assert.Equal(1, readings.DecisionCount(Decision.Review));
        Assert.Equal(0, readings.DecisionCount(Decision.Approve));
        Assert.Equal(1, readings.Rejected);
        Assert.Equal(1, readings.RejectionsByCode()[ValidationCodes.LuhnCheckFailed]);
        Assert.Equal(1, readings.RejectionsByCode()[ValidationCodes.OutOfRange]);
        Assert.Equal(0, readings.RejectionsByCode()[ValidationCodes.Required]);
        Assert.Equal(3, readings.InferenceRows);
        Assert.Equal(1, readings.InferenceBatches);
        Assert.Equal(0, readings.InFlight);
        Assert.Equal(1, readings.AnswerFailures);
    }

    [Fact]
    public void StageDurations_RecordedInSeconds_AreReadBackInMicroseconds()
    {
        using var readings = new PipelineReadings(FactoryA);
        using var metrics = new PipelineMetrics(FactoryA);

        metrics.Stage(PipelineStage.Inference).Record(250);

        var inference = readings.Stage(PipelineStage.Inference);
        Assert.Equal(1, inference.Count);
        Assert.InRange(inference.Percentile(0.5), 250, 260);
        Assert.Equal(0, readings.Stage(PipelineStage.Persist).Count);
    }

    [Fact]
    public void StageDurations_CountInTheTimestampsOfTheClockTheMetricsWereGiven()
    {
        var time = new FakeTimeProvider();
        using var readings = new PipelineReadings(FactoryA);
        using var metrics = new PipelineMetrics(FactoryA, time);

        var started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(40));
        metrics.Stage(PipelineStage.Persist).RecordTicks(started, time.GetTimestamp());

        Assert.InRange(readings.Stage(PipelineStage.Persist).Percentile(0.5), 40_000, 42_000);
    }

    [Fact]
    public void TwoHosts_SeeOnlyTheirOwnMeasurements_AndInstrumentsAddedLater()
    {
        using var readA = new PipelineReadings(FactoryA);
        using var readB = new PipelineReadings(FactoryB);
        using var a = new PipelineMetrics(FactoryA);
        using var b = new PipelineMetrics(FactoryB);

        a.CountReceived();
        a.Stage(PipelineStage.Total).Record(100);
        var drift = FactoryA.Create(new MeterOptions(AgentMeter.Name));
        drift.CreateObservableGauge("edgeagent.model.drift.psi", () => new Measurement<double>(0.3, new KeyValuePair<string, object?>("feature", "amount")));
        readA.Reader.Observe();
        readB.Reader.Observe();

        Assert.Equal(1, readA.Received);
        Assert.Equal(0, readB.Received);
        Assert.Equal(0, readB.Stage(PipelineStage.Total).Count);
        Assert.Equal(0.3, Assert.Single(readA.Reader.Instrument("edgeagent.model.drift.psi")!.Series).Value);
        Assert.Null(readB.Reader.Instrument("edgeagent.model.drift.psi"));
    }

    [Fact]
    public void Reader_KeepsObservableTotals_AsTheyAre_AndGaugesAsTheLastValue()
    {
        using var readings = new PipelineReadings(FactoryA);
        var meter = FactoryA.Create(new MeterOptions(AgentMeter.Name));
        long total = 5;
        meter.CreateObservableCounter("edgeagent.test.total", () => total);
        var level = meter.CreateGauge<int>("edgeagent.test.level");

        readings.Reader.Observe();
        total = 7;
        readings.Reader.Observe();
        level.Record(4);
        level.Record(2);

        Assert.Equal(7, readings.Reader.Total("edgeagent.test.total"));
        Assert.Equal(2, readings.Reader.Total("edgeagent.test.level"));
        Assert.Equal(InstrumentKind.Gauge, readings.Reader.Instrument("edgeagent.test.level")!.Kind);
    }

    [Fact]
    public void StartSeries_CreatesEverySeries_WithoutChangingATotal()
    {
        using var readings = new PipelineReadings(FactoryA);
        using var metrics = new PipelineMetrics(FactoryA);
        metrics.CountScored(Decision.Approve);

        metrics.StartSeries();

        Assert.Equal(1, readings.Scored);
        Assert.Equal(3, readings.Reader.Instrument(MetricNames.PaymentsScored)!.Series.Count);
        Assert.Equal(ValidationCodes.All.Count, readings.Reader.Instrument(MetricNames.RejectionReasons)!.Series.Count);
        Assert.Equal(0, readings.Reader.Total(MetricNames.ModelErrors));
        Assert.NotNull(readings.Reader.Instrument(MetricNames.ModelErrors)!.Series.SingleOrDefault());
    }
}
