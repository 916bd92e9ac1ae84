using EdgeAgent.Mqtt;
using EdgeAgent.Telemetry;

namespace EdgeAgent.Echo;

/// <summary>Runs the echo behind the same transport as the agent: the benchmark baseline.</summary>
internal sealed partial class EchoService(EchoSink echo, IIngest ingest, AgentStatus status, ILogger<EchoService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private Task _run = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        status.Publish(_ => new AgentState("echo", PipelineRunning: true));
        _run = echo.RunAsync(_abort.Token);
        await ingest.StartAsync(echo, cancellationToken);
        LogReady(ingest.Description);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await ingest.StopReceivingAsync(cancellationToken);
        echo.CompleteInput();
        await using (cancellationToken.Register(_abort.Cancel))
        {
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }
        }

        status.Publish(state => state with { PipelineRunning = false });
        await ingest.StopAsync(CancellationToken.None);
    }

    public void Dispose() => _abort.Dispose();

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Echo agent ready (no pipeline): {Ingest}")]
    private partial void LogReady(string ingest);
}
