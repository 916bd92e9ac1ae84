using System.Text;
using EdgeAgent.Core.Pipeline;
using MQTTnet;
using MQTTnet.Packets;

namespace EdgeAgent.Mqtt;

/// <summary>
/// How a received MQTT message becomes the pipeline's <see cref="InboundMessage"/>, for both transports (the external
/// broker's client and the embedded broker's interceptor): every property a client controls copied as received and
/// measured the same way, so that one limit judges the same message alike whichever broker it came through.
/// </summary>
internal static class InboundMapping
{
    /// <summary>
    /// The message, its payload handed over in place (see <see cref="ReceivedPayload"/>) when it is within
    /// <paramref name="maxPayloadBytes"/>. What only a transport knows comes from it: who sent it
    /// (<paramref name="senderId"/>, null where the broker does not say), whether it came over loopback, and how it is settled.
    /// </summary>
    public static InboundMessage From(
        MqttApplicationMessage message,
        int maxPayloadBytes,
        string? senderId,
        bool arrivedOverLoopback,
        long receivedTimestamp,
        DateTimeOffset receivedAt,
        IMessageSettlement settlement)
    {
        var length = message.Payload.Length;
        return new InboundMessage
        {
            Topic = message.Topic,
            Payload = ReceivedPayload.Take(message.Payload, maxPayloadBytes),
            ReceivedLength = length,
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData,
            ContentType = message.ContentType,
            UserPropertyCount = message.UserProperties?.Count ?? 0,
            UserPropertyBytes = UserPropertyBytes(message.UserProperties),
            Qos = (int)message.QualityOfServiceLevel,
            Retain = message.Retain,
            SenderId = senderId,
            ArrivedOverLoopback = arrivedOverLoopback,
            ReceivedTimestamp = receivedTimestamp,
            ReceivedAt = receivedAt,
            Settlement = settlement,
        };
    }

    /// <summary>
    /// The user properties' size as they travel: names in UTF-8 bytes (as the wire and the limit count them, not .NET's
    /// UTF-16 characters), values as their bytes; capped at <see cref="int.MaxValue"/>.
    /// </summary>
    public static int UserPropertyBytes(List<MqttUserProperty>? properties)
    {
        if (properties is null)
        {
            return 0;
        }

        var bytes = 0L;
        foreach (var property in properties)
        {
            bytes += Encoding.UTF8.GetByteCount(property.Name) + property.ValueBuffer.Length;
        }

        return (int)Math.Min(bytes, int.MaxValue);
    }
}
