using System.Text.Json;
using System.Threading.Channels;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Echo;

/// <summary>
/// The benchmark baseline: the same transport, the same shape of path as the scoring pipeline, and nothing else. On the
/// receiving thread it reads the transaction id, answers <c>{"transactionId": …, "status": "echo"}</c> where the agent
/// would (the response topic, else the terminal's decisions topic), and wipes the payload; one hand-off later, a loop
/// acknowledges in arrival order once each answer is with the broker. No parsing beyond the id, no features, model or
/// record: the difference between the two is what the pipeline costs over the transport.
/// </summary>
public sealed class EchoSink(IAnswerPublisher publisher, string topicRoot, PipelineMetrics metrics, TimeProvider time) : IInboundSink
{
    private readonly Channel<(InboundMessage Message, Task Publish)> _acks = Channel.CreateBounded<(InboundMessage, Task)>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public async ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        metrics.CountReceived();
        var answer = Answer(message.Payload.Span);
        message.Payload.Span.Clear();
        var topic = !string.IsNullOrEmpty(message.ResponseTopic) ? message.ResponseTopic : DecisionsTopic(message.Topic);
        Task publish;
        try
        {
            publish = topic is null ? Task.CompletedTask : publisher.PublishAsync(topic, message.CorrelationData, answer, CancellationToken.None);
        }
        catch (Exception ex)
        {
            publish = Task.FromException(ex);
        }

        metrics.Stage(PipelineStage.Total).RecordTicks(message.ReceivedTimestamp, time.GetTimestamp());
        await _acks.Writer.WriteAsync((message, publish), cancellationToken);
    }

    public void CompleteInput() => _acks.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _acks.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_acks.Reader.TryRead(out var item))
            {
                var failed = 0;
                try
                {
                    await item.Publish;
                }
                catch (Exception)
                {
                    failed = 1;
                }

                metrics.CountAnswers(1 - failed, failed);
                await item.Message.Settlement.AcknowledgeAsync(cancellationToken);
                metrics.CountAcknowledged(1);
            }
        }
    }

    private static byte[] Answer(ReadOnlySpan<byte> payload)
    {
        // Ids follow the contract's grammar ([A-Za-z0-9_-]), so they need no escaping; anything else is answered as null.
        var id = TransactionId(payload);
        if (id is null || !Core.Payments.Identifiers.IsValid(id))
        {
            return """{"transactionId":null,"status":"echo"}"""u8.ToArray();
        }

        ReadOnlySpan<byte> head = "{\"transactionId\":\""u8;
        ReadOnlySpan<byte> tail = "\",\"status\":\"echo\"}"u8;
        var answer = new byte[head.Length + id.Length + tail.Length];
        head.CopyTo(answer);
        for (var i = 0; i < id.Length; i++)
        {
            answer[head.Length + i] = (byte)id[i];
        }

        tail.CopyTo(answer.AsSpan(head.Length + id.Length));
        return answer;
    }

    /// <summary>The top-level <c>transactionId</c> string, or null; never throws.</summary>
    private static string? TransactionId(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("transactionId"u8);
                reader.Read();
                if (isId && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 64)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or not text: the echo answers without an id.
        }

        return null;
    }

    private string? DecisionsTopic(string topic) =>
        topic.StartsWith(topicRoot + "/", StringComparison.Ordinal) && topic.EndsWith("/payments", StringComparison.Ordinal)
            ? string.Concat(topic.AsSpan(0, topic.Length - "payments".Length), "decisions")
            : null;
}
