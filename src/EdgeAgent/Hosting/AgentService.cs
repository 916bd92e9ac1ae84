using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Onnx;
using EdgeAgent.Storage;
using EdgeAgent.Telemetry;

namespace EdgeAgent.Hosting;

/// <summary>
/// Starts the pipeline, then the transport; stops them the other way round: stop taking messages, let the
/// pipeline record, answer and acknowledge what it holds, then close the transport. What the host's shutdown
/// timeout cuts short is left unacknowledged for the broker to redeliver.
/// </summary>
internal sealed partial class AgentService(
    ScoringPipeline pipeline,
    IIngest ingest,
    ModelHolder model,
    AgentStatus status,
    IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<StorageOptions> storage,
    ILogger<AgentService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private Task _run = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scorer = model.Current;
        LogStarting(AgentStatus.Version, scorer.Model.ToString(), scorer.Provider.Name, scorer.Provider.Reason, Path.GetFullPath(storage.Value.DatabaseFile));
        if (scorer.Provider.Reason.StartsWith("Auto: CUDA unavailable", StringComparison.Ordinal))
        {
            LogCudaFallback(scorer.Provider.Reason);
        }

        if (scorer.Provider.Placement is { } placement)
        {
            LogPlacement(scorer.Provider.Name, placement);
        }

        _run = RunPipelineAsync();
        await ingest.StartAsync(pipeline, cancellationToken);
        LogReady(ingest.Description);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await ingest.StopReceivingAsync(cancellationToken);
        pipeline.CompleteInput();
        await using (cancellationToken.Register(_abort.Cancel))
        {
            await _run;
        }

        // The container disposes the transport, the model and the store after every hosted service has stopped.
        await ingest.StopAsync(CancellationToken.None);
        LogStopped();
    }

    private async Task RunPipelineAsync()
    {
        status.PipelineRunning = true;
        try
        {
            await pipeline.RunAsync(_abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            LogAborted();
        }
        catch (Exception ex)
        {
            status.Fault = ex.Message;
            LogPipelineFailed(ex);
            lifetime.StopApplication();
        }
        finally
        {
            status.PipelineRunning = false;
        }
    }

    public void Dispose() => _abort.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "EdgeAgent {Version} starting: model {Model} on {Provider} ({Reason}); record at {Database}")]
    private partial void LogStarting(string version, string model, string provider, string reason, string database);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "CUDA not usable, scoring on the CPU: {Reason}")]
    private partial void LogCudaFallback(string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "On {Provider}, not every operator runs on the GPU: {Placement}")]
    private partial void LogPlacement(string provider, string placement);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Ready: {Ingest}")]
    private partial void LogReady(string ingest);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stopped; every recorded payment was answered and acknowledged")]
    private partial void LogStopped();

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Shutdown timeout reached; unrecorded payments left for the broker to redeliver")]
    private partial void LogAborted();

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "The pipeline stopped on an error; stopping the agent")]
    private partial void LogPipelineFailed(Exception exception);
}
