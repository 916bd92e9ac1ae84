using System.Diagnostics;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Diagnostics;

/// <summary>
/// Kills the process, as <c>kill -9</c> would, at the configured point of the pipeline when it handles the configured
/// transaction. Compiled into test (Debug) builds only: a release build has no such setting at all.
/// </summary>
internal sealed partial class FaultInjector(FaultOptions options, ILogger<FaultInjector> logger) : IRecordingObserver
{
    public void Scoring(string? transactionId)
    {
        if (options.KillAfter == FaultPoint.Scoring && transactionId == options.TransactionId)
        {
            Kill(FaultPoint.Scoring);
        }
    }

    public void Answered(ScoredBatch batch) => KillIf(FaultPoint.Answer, [batch]);

    public void Committed(IReadOnlyList<ScoredBatch> batches) => KillIf(FaultPoint.Commit, batches);

    private void KillIf(FaultPoint point, IReadOnlyList<ScoredBatch> batches)
    {
        if (options.KillAfter == point && batches.Any(b => b.Outcomes.Any(o => o.TransactionId == options.TransactionId)))
        {
            Kill(point);
        }
    }

    private void Kill(FaultPoint point)
    {
        LogKilling(point.ToString(), options.TransactionId!);
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Critical, Message = "Fault injection: killing the agent at {Point} of transaction {TransactionId}")]
    private partial void LogKilling(string point, string transactionId);
}
