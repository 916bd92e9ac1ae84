using System.Diagnostics.Metrics;
using System.Text.Json;
using EdgeAgent.Cloud.Sync;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Cloud.Tests.Buffer;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Cloud.Tests.Telemetry;

/// <summary>
/// Metric snapshots from the pipeline's instruments as the host reads them back, queued in a real LiteDB buffer: each
/// one the interval's figures, under the names the cloud and the fleet service read.
/// </summary>
public sealed class MetricSnapshotterTests : IDisposable
{
    private static readonly string[] Sections =
        ["id", "at", "intervalSeconds", "agent", "events", "decisions", "rejections", "totals", "throughputPerSecond", "averageBatchSize", "latencyMs", "process", "buffer"];

    private readonly BufferFile _file = new();
    private readonly ServiceProvider _host = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _host.Dispose();
        _file.Dispose();
    }

    [Fact]
    public void EachSnapshot_HoldsItsIntervalsFigures_UnderTheNamesTheCloudAndTheFleetRead()
    {
        var factory = _host.GetRequiredService<IMeterFactory>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        using var readings = new PipelineReadings(factory);
        using var metrics = new PipelineMetrics(factory, time);
        var buffer = _file.Open(new FakeLog());
        var agent = new AgentDescription("1.2.3", () => new ModelIdentity("fraud-gbt", "1.0.0"), () => "CPU", () => null);
        var snapshotter = new MetricSnapshotter(readings, CloudStatus.Off, agent, buffer, 4, time);

        for (var i = 0; i < 3; i++)
        {
            metrics.CountReceived();
        }

        metrics.CountScored(Decision.Approve);
        metrics.CountScored(Decision.Decline);
        metrics.CountRejected([new ValidationError("pan", ValidationCodes.LuhnCheckFailed, "x")]);
        metrics.CountInference(2);
        metrics.Stage(PipelineStage.Total).Record(1500);
        time.Advance(TimeSpan.FromSeconds(10));
        using var first = JsonDocument.Parse(snapshotter.Take());
        metrics.CountReceived();
        metrics.CountScored(Decision.Approve);
        time.Advance(TimeSpan.FromSeconds(5));
        using var second = JsonDocument.Parse(snapshotter.Take());

        var one = first.RootElement;
        Assert.Equal(Sections, one.EnumerateObject().Select(p => p.Name).Where(Sections.Contains));
        Assert.Equal(1, one.GetProperty("id").GetInt64());
        Assert.Equal(10, one.GetProperty("intervalSeconds").GetDouble());
        Assert.Equal("""{"version":"1.2.3","model":"fraud-gbt","modelVersion":"1.0.0","provider":"CPU"}""", one.GetProperty("agent").GetRawText());
        Assert.Equal(
            """{"received":3,"scored":2,"rejected":1,"duplicates":0,"acknowledged":0,"modelErrors":0,"answerFailures":0}""",
            one.GetProperty("events").GetRawText());
        Assert.Equal("""{"approve":1,"review":0,"decline":1}""", one.GetProperty("decisions").GetRawText());
        Assert.Equal("""{"luhn_check_failed":1}""", one.GetProperty("rejections").GetRawText());
        Assert.Equal("""{"received":3,"scored":2,"rejected":1,"duplicates":0}""", one.GetProperty("totals").GetRawText());
        Assert.Equal(0.3, one.GetProperty("throughputPerSecond").GetDouble());
        Assert.Equal(2, one.GetProperty("averageBatchSize").GetDouble());
        var latency = one.GetProperty("latencyMs");
        Assert.Equal(Enum.GetValues<PipelineStage>().Select(PipelineStageNames.Of), latency.EnumerateObject().Select(p => p.Name));
        var request = latency.GetProperty("request");
        Assert.Equal(["count", "mean", "p50", "p90", "p99"], request.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, request.GetProperty("count").GetInt64());
        Assert.Equal(1.5, request.GetProperty("mean").GetDouble());
        Assert.InRange(request.GetProperty("p99").GetDouble(), 1.5, 1.6);
        Assert.Equal(["cpuPercent", "cores", "workingSetBytes", "managedHeapBytes"], one.GetProperty("process").EnumerateObject().Select(p => p.Name));
        Assert.False(one.GetProperty("buffer").GetProperty("connected").GetBoolean());

        // The next one is its own interval; the totals go on.
        var two = second.RootElement;
        Assert.Equal(2, two.GetProperty("id").GetInt64());
        Assert.Equal(5, two.GetProperty("intervalSeconds").GetDouble());
        Assert.Equal(1, two.GetProperty("events").GetProperty("received").GetInt64());
        Assert.Equal("""{"approve":1,"review":0,"decline":0}""", two.GetProperty("decisions").GetRawText());
        Assert.Equal("{}", two.GetProperty("rejections").GetRawText());
        Assert.Equal(4, two.GetProperty("totals").GetProperty("received").GetInt64());
        Assert.Equal(0, two.GetProperty("latencyMs").GetProperty("request").GetProperty("count").GetInt64());

        // Each is queued for the cloud as taken, and kept for GetTelemetry.
        Assert.Equal(second.RootElement.GetRawText(), JsonDocument.Parse(snapshotter.Latest!).RootElement.GetRawText());
        Assert.Equal(2, buffer.Metrics.Depth);
    }
}
