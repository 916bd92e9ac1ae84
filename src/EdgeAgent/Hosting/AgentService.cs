using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt;
using EdgeAgent.Onnx;
using EdgeAgent.Storage;
using EdgeAgent.Storage.Files;
using EdgeAgent.Telemetry;

namespace EdgeAgent.Hosting;

/// <summary>
/// Starts the agent in the order that keeps every promise: first the record (recording what the answer journal holds
/// beyond the last commit: payments answered before a crash), then the feature state and the duplicate window, then the
/// pipeline, and only then the transport. Stops the other way round: stop taking messages, let the pipeline record, answer
/// and acknowledge what it holds, then close the transport. What the host's shutdown timeout cuts short is left
/// unacknowledged for the broker to redeliver. If the pipeline fails for a reason of its own (its disk gone for good), the
/// agent stops with a non-zero exit code and a log line that says why.
/// </summary>
internal sealed partial class AgentService(
    ScoringPipeline pipeline,
    IIngest ingest,
    ModelHolder model,
    LiteDbOutcomeStore store,
    MappedAnswerJournal journal,
    MappedPoisonLedger ledger,
    LiteDbFile file,
    AgentStatus status,
    Core.Telemetry.PipelineMetrics metrics,
    Core.Health.IReadinessGate readiness,
    IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<StorageOptions> storage,
    ILogger<AgentService> logger) : IHostedService, IDisposable
{
    /// <summary>Exit code when the pipeline stopped on a failure of the agent itself.</summary>
    public const int PipelineFailed = 4;

    private readonly CancellationTokenSource _abort = new();
    private Task _run = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scorer = model.Current;
        LogStarting(AgentStatus.Version, scorer.Model.ToString(), scorer.Provider.Name, scorer.Provider.Reason, Path.GetFullPath(storage.Value.DatabaseFile));
        if (scorer.Provider.Detail is { } detail)
        {
            // The whole error, install paths included, goes to the log only: /status shows the one-line reason.
            LogCudaFallback(detail);
        }

        if (scorer.Provider.Placement is { } placement)
        {
            LogPlacement(scorer.Provider.Name, placement);
        }

        if (file.KeptCopy is { } kept)
        {
            status.Publish(state => state with { Warning = $"the database file could not be used and was replaced; the old one is kept at {kept}" });
        }

        // A paused intake (the record cannot be written) is a readiness problem, with its reason.
        pipeline.Gate.Changed += reason =>
        {
            if (reason is null)
            {
                readiness.Ready("storage");
            }
            else
            {
                readiness.NotReady("storage", reason == "disk_full" ? "disk full: intake paused" : "record unwritable: intake paused");
            }
        };

        Recover();
        pipeline.Restore();
        _run = RunPipelineAsync();
        await ingest.StartAsync(pipeline, cancellationToken);
        LogReady(ingest.Description);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await ingest.StopReceivingAsync(cancellationToken);
        await using (cancellationToken.Register(_abort.Cancel))
        {
            try
            {
                await pipeline.CompleteAsync(_abort.Token);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout: the run below reports it.
            }

            await _run;
        }

        // The container disposes the transport, the model and the store after every hosted service has stopped.
        await ingest.StopAsync(CancellationToken.None);
        LogStopped();
    }

    public void Dispose() => _abort.Dispose();

    /// <summary>
    /// Records the payments the answer journal holds beyond the last commit, then empties it. Nothing in the journal can
    /// stop the start: an entry that cannot be recorded is counted and left out (its payment, redelivered, is scored
    /// again), and a journal that cannot be read at all is emptied like any other.
    /// </summary>
    private void Recover()
    {
        var recovered = 0;
        try
        {
            var recovery = store.Recover(journal.Uncommitted(store.LastSequence));
            recovered = recovery.Recorded;
            foreach (var (reason, entries) in recovery.Refused)
            {
                metrics.CountJournalRefused(reason, entries);
            }

            if (recovery.RefusedCount > 0)
            {
                // One line a start, whatever the number of entries: a summary, never a line per entry.
                LogJournalRefused(recovery.RefusedCount, string.Join(", ", recovery.Refused.Select(r => $"{r.Key} {r.Value}")));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            metrics.CountJournalRefused("unreadable_journal", 1);
            LogJournalUnreadable(ex);
        }

        journal.Reset();
        if (recovered > 0 || ledger.InLastCrash > 0)
        {
            LogRecovered(recovered, ledger.InLastCrash, ledger.SuspectCount);
        }
    }

    private async Task RunPipelineAsync()
    {
        status.Publish(state => state with { PipelineRunning = true });
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
            status.Publish(state => state with { Fault = ex.Message });
            Environment.ExitCode = PipelineFailed;
            LogPipelineFailed(ex, ex.Message);
            lifetime.StopApplication();
        }
        finally
        {
            status.Publish(state => state with { PipelineRunning = false });
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "EdgeAgent {Version} starting: model {Model} on {Provider} ({Reason}); record at {Database}")]
    private partial void LogStarting(string version, string model, string provider, string reason, string database);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "CUDA not usable, scoring on the CPU: {Reason}")]
    private partial void LogCudaFallback(string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "On {Provider}, not every operator runs on the GPU: {Placement}")]
    private partial void LogPlacement(string provider, string placement);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "After a crash: {Recovered} answered payments recorded from the answer journal; {InCrash} messages were being handled when it happened ({Suspects} suspects are scored alone until cleared)")]
    private partial void LogRecovered(int recovered, int inCrash, int suspects);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "The answer journal held {Entries} entries that could not be recorded ({Reasons}); left out, their payments are scored again if redelivered")]
    private partial void LogJournalRefused(int entries, string reasons);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "The answer journal could not be read; it is emptied and the agent starts without it")]
    private partial void LogJournalUnreadable(Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Ready: {Ingest}")]
    private partial void LogReady(string ingest);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stopped; every recorded payment was answered and acknowledged")]
    private partial void LogStopped();

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Shutdown timeout reached; unrecorded payments left for the broker to redeliver")]
    private partial void LogAborted();

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "The pipeline stopped: {Reason}; the agent exits with an error")]
    private partial void LogPipelineFailed(Exception exception, string reason);
}
