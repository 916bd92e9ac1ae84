using System.Net;
using EdgeAgent.Commands;
using EdgeAgent.Core.Health;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>/health/live and /health/ready as ASP.NET Core health checks, with their reasons, and the container's health command.</summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task ReadyAgent_AnswersHealthy_AndTheHealthCommandExitsZero()
    {
        await using var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu");

        var (ready, body) = await GetAsync(agent, "/health/ready");
        var (live, _) = await GetAsync(agent, "/health/live");

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("reasons").EnumerateArray());
        Assert.Equal("fraud-gbt@1.0.0 on CPU", body.GetProperty("checks").GetProperty("model").GetProperty("description").GetString());
        Assert.Equal(0, await HealthCommand.RunAsync(["--Http:Urls=" + agent.BaseUrl]));
    }

    [Fact]
    public async Task AComponentsProblem_MakesTheAgentUnready_WithItsReason_UntilItClears()
    {
        await using var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu");
        var gate = agent.Services.GetRequiredService<IReadinessGate>();

        gate.NotReady("storage", "disk full: intake stopped");
        var (blocked, body) = await GetAsync(agent, "/health/ready");
        var (live, _) = await GetAsync(agent, "/health/live");
        var command = await HealthCommand.RunAsync(["--Http:Urls=" + agent.BaseUrl]);
        gate.Ready("storage");
        var (cleared, _) = await GetAsync(agent, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked);
        Assert.Equal(["storage: disk full: intake stopped"], body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(1, command);
        Assert.Equal(HttpStatusCode.OK, cleared);
    }

    [Fact]
    public async Task BrokerGone_MakesTheAgentUnready_WithTheReason()
    {
        var local = new MosquittoBroker();
        await local.InitializeAsync();
        InProcessAgent agent;
        try
        {
            agent = await InProcessAgent.StartAsync(_data.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={local.Port}",
                "Mqtt:ClientId=health-" + Guid.NewGuid().ToString("N")[..8], "Mqtt:ReconnectMinDelaySeconds=0.2", "Inference:Provider=Cpu");
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(agent, "/health/ready")).Status);
        }
        finally
        {
            await local.DisposeAsync();
        }

        await using var stopping = agent;
        await Eventually.TrueAsync(() => !agent.Status.Ingest.IsConnected, "the agent notices the broker is gone");
        var (status, body) = await GetAsync(agent, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("broker not connected", body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthCommand_WithNoAgent_ExitsOne()
    {
        Assert.Equal(1, await HealthCommand.RunAsync([$"--Http:Urls=http://127.0.0.1:{FreePort.Next()}"]));
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> GetAsync(InProcessAgent agent, string path)
    {
        using var response = await _http.GetAsync(new Uri(new Uri(agent.BaseUrl), path));
        return (response.StatusCode, Answers.Parse(await response.Content.ReadAsByteArrayAsync()));
    }
}
