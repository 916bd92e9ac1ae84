using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Sends a batch's answers: first written ahead to the answer journal, then published, each to where its terminal asked.
/// A crash right after an answer went out must find that answer in the journal, or the redelivery would be scored again and
/// answered with other bytes (another latency) than the terminal has.
/// </summary>
internal sealed partial class AnswerDelivery(IAnswerPublisher publisher, IAnswerJournal? journal, PipelineMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Writes the batch's recorded outcomes ahead to the journal; returns them as the journal encoded them (the record takes
    /// the same bytes), or empty when there is no journal or it could not take them.
    /// </summary>
    public ReadOnlyMemory<byte> WriteAhead(IReadOnlyList<Outcome> outcomes)
    {
        if (journal is null)
        {
            return default;
        }

        try
        {
            return journal.Append(outcomes);
        }
        catch (Exception ex)
        {
            // Without the journal a crash before the commit means scoring again on redelivery: still safe, less exact.
            LogJournalFailed(ex);
            return default;
        }
    }

    /// <summary>Publishes the answers; returns the publishes, which the record loop awaits before acknowledging.</summary>
    public IReadOnlyList<Task> Publish(Outcome[] outcomes, long answered)
    {
        var sending = time.GetTimestamp();
        var publishes = new Task[outcomes.Length];
        var sent = 0;
        foreach (var outcome in outcomes)
        {
            if (Publish(outcome) is { } publish)
            {
                publishes[sent++] = publish;
            }

            metrics.Stage(PipelineStage.Total).RecordTicks(outcome.Message.ReceivedTimestamp, answered);
        }

        if (sent < publishes.Length)
        {
            Array.Resize(ref publishes, sent);
        }

        metrics.Stage(PipelineStage.Answer).RecordWhenDone(publishes, time, sending);
        return publishes;
    }

    private Task? Publish(Outcome outcome)
    {
        if (outcome.AnswerTopic is not { } topic)
        {
            return null;
        }

        if (outcome.DeferredAnswer is { } deferred)
        {
            return PublishWhenReadAsync(outcome.Message, topic, outcome.AnswerCorrelation, deferred);
        }

        try
        {
            return publisher.PublishAsync(outcome.Message, topic, outcome.AnswerCorrelation, outcome.Answer, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Counted where the answers are awaited; the outcome is recorded anyway and a retry gets it from the record.
            return Task.FromException(ex);
        }
    }

    private async Task PublishWhenReadAsync(InboundMessage payment, string topic, byte[]? correlation, Task<ReadOnlyMemory<byte>> answer) =>
        await publisher.PublishAsync(payment, topic, correlation, await answer, CancellationToken.None);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "The answer journal could not take a batch; a crash before its commit would score it again")]
    private partial void LogJournalFailed(Exception exception);
}
