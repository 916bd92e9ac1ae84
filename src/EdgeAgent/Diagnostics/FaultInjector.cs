using System.Diagnostics;
using EdgeAgent.Core.Pipeline;

namespace EdgeAgent.Diagnostics;

/// <summary>Kills the process, as <c>kill -9</c> would, at the configured point of the recording loop.</summary>
internal sealed partial class FaultInjector(FaultOptions options, ILogger<FaultInjector> logger) : IRecordingObserver
{
    public void Answered(OutcomeBatch batch) => KillIf(FaultPoint.Answer, [batch]);

    public void Committed(IReadOnlyList<OutcomeBatch> batches) => KillIf(FaultPoint.Commit, batches);

    private void KillIf(FaultPoint point, IReadOnlyList<OutcomeBatch> batches)
    {
        if (options.KillAfter != point || !batches.Any(b => b.Outcomes.Any(o => o.TransactionId == options.TransactionId)))
        {
            return;
        }

        LogKilling(point.ToString(), options.TransactionId!);
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Critical, Message = "Fault injection: killing the agent after {Point} of transaction {TransactionId}")]
    private partial void LogKilling(string point, string transactionId);
}
