using System.Diagnostics;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Writes each outcome's answer and hands it to the transport, straight from the scoring loop: the terminal's
/// wait ends here. The broker's PUBACKs are awaited later, before acknowledgement, never by this loop.
/// </summary>
internal sealed class AnswerSender(IAnswerPublisher publisher, PipelineMetrics metrics)
{
    public List<Task> Send(List<Outcome> outcomes)
    {
        var answers = new List<Task>(outcomes.Count);
        var sent = Stopwatch.GetTimestamp();
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind != OutcomeKind.Duplicate)
            {
                // A duplicate's slot already holds the first answer, from this batch, an earlier one or the store.
                outcome.LatencyMs = Stopwatch.GetElapsedTime(outcome.Message.ReceivedTimestamp, sent).TotalMilliseconds;
                outcome.Answer.Answer = AnswerWriter.Write(outcome);
            }

            if (outcome.AnswerTopic is { } topic && outcome.Answer.Answer is { } answer)
            {
                answers.Add(publisher.PublishAsync(topic, outcome.Message.CorrelationData, answer, CancellationToken.None));
            }

            metrics.Stage(PipelineStage.Total).RecordTicks(outcome.Message.ReceivedTimestamp, sent);
        }

        if (answers.Count > 0)
        {
            _ = RecordAnswerTimeAsync(answers, sent);
        }

        return answers;
    }

    private async Task RecordAnswerTimeAsync(List<Task> answers, long sent)
    {
        try
        {
            await Task.WhenAll(answers);
        }
        catch (Exception)
        {
            // Failures are counted where the answers are awaited before acknowledgement.
        }

        metrics.Stage(PipelineStage.Answer).RecordTicks(sent, Stopwatch.GetTimestamp());
    }
}
