using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>
/// Starts the agent's series once the exporters listen: it runs after OpenTelemetry's own hosted service, which
/// builds the meter provider, and before the pipeline takes its first message.
/// </summary>
internal sealed class TelemetryStartup(PipelineMetrics metrics, AgentInstruments instruments) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(instruments);
        metrics.StartSeries();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
