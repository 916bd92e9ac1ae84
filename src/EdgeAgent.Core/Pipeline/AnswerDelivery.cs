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
    /// The longest the scoring loop waits for room in a journal full of entries LiteDB has not taken yet. Past it the batch is
    /// answered without the journal and the record loop commits it into LiteDB before acknowledging it: slower, never lost.
    /// </summary>
    private static readonly TimeSpan RoomWait = TimeSpan.FromSeconds(30);

    private readonly LogThrottle _fullLog = new(time, TimeSpan.FromMinutes(1));

    /// <summary>
    /// Writes the batch's recorded outcomes ahead to the journal; returns them as the journal encoded them (the record takes
    /// the same bytes), or empty when there is no journal or it could not take them. While the journal is full of entries
    /// not yet in LiteDB, waits for LiteDB to release some: the answers wait, intake behind them, nothing is dropped.
    /// </summary>
    public ReadOnlyMemory<byte> WriteAhead(IReadOnlyList<Outcome> outcomes)
    {
        if (journal is null)
        {
            return default;
        }

        long? waitingSince = null;
        while (true)
        {
            try
            {
                return journal.Append(outcomes);
            }
            catch (AnswerJournalFullException ex)
            {
                if (waitingSince is null)
                {
                    waitingSince = time.GetTimestamp();
                    metrics.CountJournalWait();
                    if (_fullLog.TryLog(out var unlogged))
                    {
                        LogJournalFull(unlogged);
                    }
                }
                else if (time.GetElapsedTime(waitingSince.Value) > RoomWait)
                {
                    LogJournalFailed(ex);
                    return default;
                }

                // A short wait at a time: room released between the append and the wait is seen at the next try.
                journal.WaitForRoom(TimeSpan.FromMilliseconds(50));
            }
            catch (Exception ex)
            {
                // Not journaled: the record loop commits the batch into LiteDB before acknowledging it, and a crash before
                // that means scoring again on redelivery: still safe, less exact.
                LogJournalFailed(ex);
                return default;
            }
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

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "The answer journal could not take a batch; it is recorded in LiteDB before it is acknowledged, and a crash before that would score it again")]
    private partial void LogJournalFailed(Exception exception);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "The answer journal is full of entries not yet in LiteDB; scoring waits for the record to catch up ({Unlogged} more waits since the last line)")]
    private partial void LogJournalFull(long unlogged);
}
