using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The second loop: writes the answers, commits everything queued in one transaction, then answers the
/// terminals and acknowledges the messages, in arrival order. Answering only after the commit means every
/// answer a terminal ever saw is on record, so a redelivered or retried payment gets the very same bytes.
/// </summary>
internal sealed partial class RecordingStage
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ChannelReader<OutcomeBatch> _input;
    private readonly IOutcomeStore _store;
    private readonly IAnswerPublisher _publisher;
    private readonly PipelineOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<OutcomeBatch> _pending = [];
    private readonly List<Task> _publishes = [];

    public RecordingStage(
        ChannelReader<OutcomeBatch> input,
        IOutcomeStore store,
        IAnswerPublisher publisher,
        PipelineOptions options,
        PipelineMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _input = input;
        _store = store;
        _publisher = publisher;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _input.WaitToReadAsync(cancellationToken))
            {
                var outcomes = 0;
                while (outcomes < _options.MaxCommitBatch && _input.TryRead(out var batch))
                {
                    _pending.Add(batch);
                    outcomes += batch.Outcomes.Count;
                }

                await RecordAsync(cancellationToken);
                _pending.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbandonPending();
            while (_input.TryRead(out var batch))
            {
                _pending.Add(batch);
            }

            AbandonPending();
            throw;
        }
    }

    private async Task RecordAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in _pending)
        {
            if (batch.Outcomes.Count > 0)
            {
                _metrics.Stage(PipelineStage.Queue).RecordTicks(batch.Outcomes[^1].ScoredTimestamp, started);
            }

            foreach (var outcome in batch.Outcomes)
            {
                ComposeAnswer(outcome, started);
            }
        }

        await CommitWithRetryAsync(cancellationToken);
        var committed = Stopwatch.GetTimestamp();
        _metrics.Stage(PipelineStage.Persist).RecordTicks(started, committed);

        foreach (var batch in _pending)
        {
            foreach (var outcome in batch.Outcomes)
            {
                if (outcome.AnswerTopic is { } topic && outcome.Answer.Answer is { } answer)
                {
                    _publishes.Add(_publisher.PublishAsync(topic, outcome.Message.CorrelationData, answer, cancellationToken));
                }
            }
        }

        await AcknowledgeAsync(cancellationToken);
        await AwaitPublishesAsync();
        var answered = Stopwatch.GetTimestamp();
        _metrics.Stage(PipelineStage.Answer).RecordTicks(committed, answered);
        foreach (var batch in _pending)
        {
            foreach (var outcome in batch.Outcomes)
            {
                _metrics.Stage(PipelineStage.Total).RecordTicks(outcome.Message.ReceivedTimestamp, answered);
            }
        }
    }

    private static void ComposeAnswer(Outcome outcome, long now)
    {
        if (outcome.Kind == OutcomeKind.Duplicate)
        {
            return; // the slot already holds the first answer, written by an earlier batch or read from the store
        }

        outcome.LatencyMs = Stopwatch.GetElapsedTime(outcome.Message.ReceivedTimestamp, now).TotalMilliseconds;
        outcome.Answer.Answer = AnswerWriter.Write(outcome);
    }

    private async Task CommitWithRetryAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                _store.Commit(_pending);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing is acknowledged until the commit succeeds; meanwhile the bounded channels fill and
                // back-pressure reaches the broker, which keeps the messages.
                _metrics.CountPersistFailure();
                LogCommitFailed(ex, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task AcknowledgeAsync(CancellationToken cancellationToken)
    {
        var acknowledged = 0;
        foreach (var batch in _pending)
        {
            foreach (var outcome in batch.Outcomes)
            {
                try
                {
                    await outcome.Message.Settlement.AcknowledgeAsync(cancellationToken);
                    acknowledged++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection went away: the broker redelivers, and the record answers the redelivery.
                    LogAcknowledgeFailed(ex, outcome.TransactionId ?? "(none)");
                }
            }
        }

        _metrics.CountAcknowledged(acknowledged);
    }

    private async Task AwaitPublishesAsync()
    {
        var failed = 0;
        foreach (var publish in _publishes)
        {
            try
            {
                await publish;
            }
            catch (Exception ex)
            {
                // The outcome is recorded; a terminal that missed its answer retries and gets it from the record.
                failed++;
                LogAnswerFailed(ex);
            }
        }

        _metrics.CountAnswers(_publishes.Count - failed, failed);
        _publishes.Clear();
    }

    private void AbandonPending()
    {
        foreach (var batch in _pending)
        {
            foreach (var outcome in batch.Outcomes)
            {
                outcome.Message.Settlement.Abandon();
            }
        }

        _pending.Clear();
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Commit failed; retrying in {DelayMs} ms with nothing acknowledged")]
    private partial void LogCommitFailed(Exception exception, double delayMs);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Could not acknowledge transaction {TransactionId}; the broker will redeliver it")]
    private partial void LogAcknowledgeFailed(Exception exception, string transactionId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Could not publish an answer; the terminal's retry will be answered from the record")]
    private partial void LogAnswerFailed(Exception exception);
}
