
namespace EdgeAgent.IntegrationTests;

/// <summary>Health, metrics and status over HTTP, as an orchestrator and a dashboard read them.</summary>
public sealed class HttpEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private readonly HttpClient _http = new();
    private InProcessAgent? _agent;

    public async Task InitializeAsync() =>
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _agent!.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Health_Metrics_AndStatus_DescribeTheRunningAgent()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-1"));
        await terminal.RequestAsync(Payloads.Topic(), "{}"u8.ToArray());

        var ready = await _http.GetAsync(new Uri(new Uri(_agent!.BaseUrl), "/health/ready"));
        var metrics = await _http.GetStringAsync(new Uri(new Uri(_agent.BaseUrl), "/metrics"));
        var status = Answers.Parse(await _http.GetByteArrayAsync(new Uri(new Uri(_agent.BaseUrl), "/status")));

        Assert.True(ready.IsSuccessStatusCode);
        Assert.Equal(2, PrometheusText.Value(metrics, "edgeagent_payments_received_total"));
        Assert.Equal(1, PrometheusText.Value(metrics, "edgeagent_payments_rejected_total"));
        Assert.Equal(1, PrometheusText.Value(metrics, "edgeagent_payments_rejected_reasons_total", ("code", "required")));
        Assert.Equal(1, PrometheusText.Value(metrics, "edgeagent_stage_duration_seconds_count", ("stage", "compute_infer")));
        Assert.Equal(1, PrometheusText.Value(metrics, "edgeagent_model_info", ("provider", "CPU")));
        Assert.Equal("CPU", status.GetProperty("model").GetProperty("provider").GetString());
        Assert.Equal(1, status.GetProperty("payments").GetProperty("scored").GetInt64());
        Assert.True(status.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Metrics_PassPrometheusLinter_WithTheAgentAndRuntimeSeries()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-lint"));

        var metrics = await _http.GetStringAsync(new Uri(new Uri(_agent!.BaseUrl), "/metrics"));
        var (exit, findings) = await PrometheusServer.CheckMetricsAsync(metrics);

        // The scrape must hold what is linted: the agent's counters and histograms and the runtime's series.
        Assert.Contains("edgeagent_payments_received_total", metrics, StringComparison.Ordinal);
        Assert.Contains("edgeagent_stage_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", metrics, StringComparison.Ordinal);
        Assert.True(exit == 0 && findings.Trim().Length == 0, $"promtool check metrics exited {exit}:\n{findings}");
    }
}
