using EdgeAgent.Commands;
using EdgeAgent.Hosting;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Readback;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Testing;

/// <summary>The real agent host, started inside the test process (faster than a child process, same wiring).</summary>
public sealed class InProcessAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessAgent(WebApplication app)
    {
        _app = app;
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>The pipeline's figures as the host reads them back.</summary>
    public PipelineReadings Metrics => Services.GetRequiredService<PipelineReadings>();

    public AgentStatus Status => Services.GetRequiredService<AgentStatus>();

    public string BaseUrl => _app.Urls.First();

    /// <summary>Starts an agent on <paramref name="dataPath"/>; <paramref name="settings"/> are <c>Section:Key=value</c> pairs.</summary>
    public static async Task<InProcessAgent> StartAsync(string dataPath, params string[] settings)
    {
        string[] defaults =
        [
            $"--Storage:Path={dataPath}",
            "--Http:Urls=http://127.0.0.1:0",
            "--Tokenization:Key=" + TestKeys.TokenizationKey,
            "--Serilog:MinimumLevel:Default=" + (Environment.GetEnvironmentVariable("EDGEAGENT_TEST_LOG") ?? "Warning"),
        ];
        var app = AgentHost.Build(AgentCommand.Run, [.. defaults, .. settings.Select(s => "--" + s)]);
        await app.StartAsync();
        return new InProcessAgent(app);
    }

    /// <summary>A graceful stop: stop taking messages, finish what is held, close.</summary>
    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        await _app.DisposeAsync();
    }
}
