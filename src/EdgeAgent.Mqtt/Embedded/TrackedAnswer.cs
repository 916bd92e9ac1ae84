using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// An answer the agent published, which is also the one segment of its MQTT payload. MQTTnet copies the payload
/// sequence into every packet it makes from the message, so the packet that goes out to a subscriber, one dropped from
/// a full queue, and a message nobody consumed all lead back to this object without a lookup table or an allocation
/// on the message path. It remembers whether some subscriber took it: sent at QoS 0, or acknowledged at QoS 1.
/// </summary>
internal sealed class TrackedAnswer : ReadOnlySequenceSegment<byte>
{
    private readonly TaskCompletionSource? _written;
    private int _delivered;

    public TrackedAnswer(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, DateTimeOffset answeredAt, string? payer = null)
    {
        Memory = payload;
        Payer = payer;
        _written = payer is null ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AnsweredAt = answeredAt;
        Qos = qos;
        Message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(this, 0, this, payload.Length),
            CorrelationData = correlationData,
            ContentType = "application/json",
            QualityOfServiceLevel = qos,
        };
    }

    /// <summary>The message as the agent publishes it (QoS as configured for answers).</summary>
    public MqttApplicationMessage Message { get; }

    public string Topic => Message.Topic;

    public MqttQualityOfServiceLevel Qos { get; }

    public DateTimeOffset AnsweredAt { get; }

    /// <summary>The subscription epoch when it was published: tells whether someone subscribed while it was being routed.</summary>
    public long SubscriptionEpoch { get; set; }

    /// <summary>How many times it was routed again because a subscription arrived while it was routed (bounded, see <see cref="AnswerRedelivery"/>).</summary>
    public int Reroutes { get; set; }

    /// <summary>The client id whose payment this answers: the one session it is owed to (null for an answer without a payer).</summary>
    public string? Payer { get; }

    /// <summary>Its entry among the owed answers (0 while it has none).</summary>
    public long OwedId { get; set; }

    /// <summary>MQTTnet queued it to its payer's session as it was routed.</summary>
    public bool QueuedForPayer { get; set; }

    /// <summary>Completes once it was written to its payer's connection.</summary>
    public Task Written => _written?.Task ?? Task.CompletedTask;

    public void MarkWritten() => _written?.TrySetResult();

    public bool IsDelivered => Volatile.Read(ref _delivered) != 0;

    public void MarkDelivered() => Volatile.Write(ref _delivered, 1);

    /// <summary>It is on its way to a subscriber again: delivered only once that one takes it.</summary>
    public void MarkPending() => Volatile.Write(ref _delivered, 0);

    /// <summary>The same answer for delivery to one subscription, at the lower of its QoS and the subscription's.</summary>
    public MqttApplicationMessage ForSubscription(MqttQualityOfServiceLevel granted) => new()
    {
        Topic = Message.Topic,
        Payload = Message.Payload,
        CorrelationData = Message.CorrelationData,
        ContentType = Message.ContentType,
        QualityOfServiceLevel = granted < Qos ? granted : Qos,
    };

    /// <summary>The answer a payload belongs to, or null when it is not one of the agent's answers.</summary>
    public static TrackedAnswer? Of(in ReadOnlySequence<byte> payload) => payload.Start.GetObject() as TrackedAnswer;
}
