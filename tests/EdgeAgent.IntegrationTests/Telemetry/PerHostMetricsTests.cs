using System.Diagnostics.Metrics;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>
/// Two agents in one process, as the integration tests host them: each exports, shows and snapshots its own
/// counts only, and an instrument another component adds to an agent's meter reaches that agent's /metrics and
/// /status alone.
/// </summary>
public sealed class PerHostMetricsTests : IAsyncLifetime
{
    private readonly TempDirectory _dataA = new();
    private readonly TempDirectory _dataB = new();
    private readonly int _portA = FreePort.Next();
    private readonly int _portB = FreePort.Next();
    private readonly HttpClient _http = new();
    private InProcessAgent _a = null!;
    private InProcessAgent _b = null!;

    public async Task InitializeAsync()
    {
        _a = await InProcessAgent.StartAsync(_dataA.Path, $"Mqtt:Port={_portA}", "Inference:Provider=Cpu");
        _b = await InProcessAgent.StartAsync(_dataB.Path, $"Mqtt:Port={_portB}", "Inference:Provider=Cpu");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _dataA.Dispose();
        _dataB.Dispose();
    }

    [Fact]
    public async Task PaymentsToOneAgent_CountOnlyThere_InMetricsStatusAndReader()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_portA);
        for (var i = 0; i < 3; i++)
        {
            await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("iso-" + i));
        }

        await terminal.RequestAsync(Payloads.Topic(), "{}"u8.ToArray());
        await Eventually.TrueAsync(() => _a.Metrics.Acknowledged == 4, "agent A acknowledged all four");

        var metricsA = await GetAsync(_a, "/metrics");
        var metricsB = await GetAsync(_b, "/metrics");
        var statusB = Answers.Parse(await _http.GetByteArrayAsync(new Uri(new Uri(_b.BaseUrl), "/status")));

        Assert.Equal(4, PrometheusText.Value(metricsA, "edgeagent_payments_received_total"));
        Assert.Equal(3, PrometheusText.Value(metricsA, "edgeagent_payments_scored_total"));
        Assert.Equal(4, PrometheusText.Value(metricsA, "edgeagent_stage_duration_seconds_count", ("stage", "compute_input")));
        Assert.True((PrometheusText.Value(metricsB, "edgeagent_payments_received_total") ?? 0) == 0, "agent B saw A's payments:\n" + metricsB);
        Assert.True((PrometheusText.Value(metricsB, "edgeagent_stage_duration_seconds_count") ?? 0) == 0, "agent B saw A's latencies");
        Assert.Equal(1, PrometheusText.Value(metricsB, "edgeagent_ready"));
        Assert.Equal(4, _a.Metrics.Received);
        Assert.Equal(0, _b.Metrics.Received);
        Assert.Equal(0, statusB.GetProperty("payments").GetProperty("received").GetInt64());
        Assert.Equal(0, statusB.GetProperty("latencyMs").GetProperty("request").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task InstrumentAddedByAnotherComponent_IsExportedAndShown_ByItsHostAlone()
    {
        // A stand-in for a component that takes the host's IMeterFactory and adds its instrument to the agent's meter.
        var meter = _a.Services.GetRequiredService<IMeterFactory>().Create(AgentMeter.Name);
        meter.CreateObservableGauge("edgeagent.model.drift.psi", () => new Measurement<double>(0.125, new KeyValuePair<string, object?>("feature", "amount")),
            null, "Population stability index of a feature against the model card's training distribution.");

        var metricsA = await GetAsync(_a, "/metrics");
        var metricsB = await GetAsync(_b, "/metrics");
        var statusA = Answers.Parse(await _http.GetByteArrayAsync(new Uri(new Uri(_a.BaseUrl), "/status")));

        Assert.Equal(0.125, PrometheusText.Value(metricsA, "edgeagent_model_drift_psi", ("feature", "amount")));
        Assert.Null(PrometheusText.Value(metricsB, "edgeagent_model_drift_psi"));
        var series = Assert.Single(statusA.GetProperty("instruments").GetProperty("edgeagent.model.drift.psi").GetProperty("series").EnumerateArray());
        Assert.Equal("amount", series.GetProperty("tags").GetProperty("feature").GetString());
        Assert.Equal(0.125, series.GetProperty("value").GetDouble());
    }

    private Task<string> GetAsync(InProcessAgent agent, string path) => _http.GetStringAsync(new Uri(new Uri(agent.BaseUrl), path));
}
