using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The third loop: once a group is committed and its answers are with the broker, acknowledges its messages in
/// arrival order. Only now may the broker forget them: until here a crash means redelivery, and the record
/// (or, before the commit, the same feature state) answers the redelivered payment the same way.
/// </summary>
internal sealed partial class AcknowledgeStage(
    ChannelReader<IReadOnlyList<OutcomeBatch>> input,
    PipelineMetrics metrics,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await input.WaitToReadAsync(cancellationToken))
            {
                while (input.TryRead(out var group))
                {
                    await AcknowledgeAsync(group, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            while (input.TryRead(out var group))
            {
                CommitStage.Abandon(group);
            }

            throw;
        }
    }

    private async Task AcknowledgeAsync(IReadOnlyList<OutcomeBatch> group, CancellationToken cancellationToken)
    {
        var acknowledged = 0;
        foreach (var batch in group)
        {
            await AwaitAnswersAsync(batch);
            foreach (var outcome in batch.Outcomes)
            {
                try
                {
                    await outcome.Message.Settlement.AcknowledgeAsync(cancellationToken);
                    acknowledged++;
                    metrics.Stage(PipelineStage.Acknowledge).RecordTicks(outcome.Message.ReceivedTimestamp, Stopwatch.GetTimestamp());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection went away: the broker redelivers, and the record answers the redelivery.
                    LogAcknowledgeFailed(ex, outcome.TransactionId ?? "(none)");
                }
            }
        }

        metrics.CountAcknowledged(acknowledged);
    }

    private async Task AwaitAnswersAsync(OutcomeBatch batch)
    {
        var failed = 0;
        foreach (var answer in batch.Answers)
        {
            try
            {
                await answer;
            }
            catch (Exception ex)
            {
                // The outcome is recorded; a terminal that missed its answer retries and gets it from the record.
                failed++;
                LogAnswerFailed(ex);
            }
        }

        metrics.CountAnswers(batch.Answers.Count - failed, failed);
    }

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Could not acknowledge transaction {TransactionId}; the broker will redeliver it")]
    private partial void LogAcknowledgeFailed(Exception exception, string transactionId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Could not publish an answer; the terminal's retry will be answered from the record")]
    private partial void LogAnswerFailed(Exception exception);
}
