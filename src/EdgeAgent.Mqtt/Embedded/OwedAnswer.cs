using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// One answer owed to the client whose payment it answers: the message as injected, and whether it has been written to
/// that client's connection (the payment's PUBACK waits for that). An answer is recognised on the way out and in its
/// acknowledgement by its payer's client id, its topic and its exact bytes, never by MQTTnet's buffer objects.
/// </summary>
internal sealed class OwedAnswer
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _queuedForPayer;
    private volatile bool _publishing;

    public OwedAnswer(string payer, string topic, byte[]? correlationData, byte[] payload, MqttQualityOfServiceLevel qos, DateTimeOffset answeredAt)
    {
        Payer = payer;
        Payload = payload;
        AnsweredAt = answeredAt;
        Qos = qos;
        Message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            CorrelationData = correlationData,
            ContentType = "application/json",
            QualityOfServiceLevel = qos,
        };
    }

    /// <summary>The client id whose payment this answers: the one session it is owed to.</summary>
    public string Payer { get; }

    /// <summary>The message as the agent publishes it (QoS as configured for answers).</summary>
    public MqttApplicationMessage Message { get; }

    public string Topic => Message.Topic;

    public byte[] Payload { get; }

    public MqttQualityOfServiceLevel Qos { get; }

    public DateTimeOffset AnsweredAt { get; }

    /// <summary>Its entry in the store of owed answers (0 while it has none).</summary>
    public long Id { get; set; }

    /// <summary>True from its publication until its PUBACK no longer waits for it.</summary>
    public bool Publishing
    {
        get => _publishing;
        set => _publishing = value;
    }

    /// <summary>MQTTnet queued it to its payer's session as it was routed.</summary>
    public bool QueuedForPayer
    {
        get => _queuedForPayer;
        set => _queuedForPayer = value;
    }

    /// <summary>Completes once it was written to its payer's connection.</summary>
    public Task Written => _written.Task;

    public void MarkWritten() => _written.TrySetResult();

    /// <summary>True when a PUBLISH with <paramref name="topic"/> and <paramref name="payload"/> carries this answer.</summary>
    public bool Matches(string topic, in ReadOnlySequence<byte> payload) =>
        string.Equals(topic, Topic, StringComparison.Ordinal) && payload.Length == Payload.Length
        && (payload.IsSingleSegment ? payload.FirstSpan.SequenceEqual(Payload) : payload.ToArray().AsSpan().SequenceEqual(Payload));

    /// <summary>The same answer for delivery to one subscription, at the lower of its QoS and the subscription's.</summary>
    public MqttApplicationMessage ForSubscription(MqttQualityOfServiceLevel granted) => new()
    {
        Topic = Message.Topic,
        Payload = new ReadOnlySequence<byte>(Payload),
        CorrelationData = Message.CorrelationData,
        ContentType = Message.ContentType,
        QualityOfServiceLevel = granted < Qos ? granted : Qos,
    };
}
