using System.Text;
using EdgeAgent.Telemetry;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>/status as anyone on the LAN reads it, and as an authenticated operator would.</summary>
public sealed class StatusEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private readonly HttpClient _http = new();
    private InProcessAgent _agent = null!;

    public async Task InitializeAsync() =>
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _agent.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Anonymous_SeesFiguresAndTheLastRejections_ButNoThresholdNoCardAndNoBrokerIdentity()
    {
        await using var terminal = await TestTerminal.ConnectAsync(_port);
        await terminal.RequestAsync(Payloads.Topic("store-9", "t7"), Payloads.Payment("s-1"));
        await terminal.RequestAsync(Payloads.Topic("store-9", "t7"), Payloads.Payment("s-2", pan: "4111111111111112"));

        var text = await _http.GetStringAsync(new Uri(new Uri(_agent.BaseUrl), "/status"));
        var status = Answers.Parse(Encoding.UTF8.GetBytes(text));

        Assert.False(status.GetProperty("operatorView").GetBoolean());
        Assert.False(status.GetProperty("model").TryGetProperty("reviewThreshold", out _));
        Assert.Equal("embedded broker", status.GetProperty("ingest").GetProperty("transport").GetString());
        Assert.DoesNotContain("4111111111111112", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Payloads.Pan, text, StringComparison.Ordinal);
        var rejection = Assert.Single(status.GetProperty("recentRejections").EnumerateArray());
        Assert.Equal("luhn_check_failed", rejection.GetProperty("code").GetString());
        Assert.Equal("store-9", rejection.GetProperty("store").GetString());
        Assert.Equal("t7", rejection.GetProperty("terminal").GetString());
        Assert.Equal(1, status.GetProperty("payments").GetProperty("scored").GetInt64());
        Assert.Equal(2, status.GetProperty("latencyMs").GetProperty("request").GetProperty("count").GetInt64());
    }

    [Fact]
    public void OperatorView_AddsTheThresholdsAndTheTransportsIdentity()
    {
        var status = Answers.Parse(StatusJson.Write(_agent.Status, operatorView: true));

        Assert.True(status.GetProperty("operatorView").GetBoolean());
        Assert.InRange(status.GetProperty("model").GetProperty("reviewThreshold").GetDouble(), 0, 1);
        Assert.StartsWith("embedded broker on 127.0.0.1:", status.GetProperty("ingest").GetProperty("transport").GetString(), StringComparison.Ordinal);
    }
}
