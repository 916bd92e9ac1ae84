using System.Text;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The size of an MQTT 5 PUBLISH on the wire, from its parts, without encoding it: what a client's Maximum Packet Size
/// is checked against. Counts the Payload Format Indicator whenever it may be written, so it errs, by two bytes at most,
/// on the large side.
/// </summary>
internal static class PublishSize
{
    public static long Of(MqttPublishPacket publish)
    {
        long properties = 0;
        properties += Utf8Property(publish.ContentType);
        properties += publish.CorrelationData is { Length: > 0 } correlation ? 3 + correlation.Length : 0;
        properties += publish.MessageExpiryInterval > 0 ? 5 : 0;
        properties += 2; // Payload Format Indicator
        properties += Utf8Property(publish.ResponseTopic);
        if (publish.SubscriptionIdentifiers is { } identifiers)
        {
            foreach (var identifier in identifiers)
            {
                properties += 1 + VariableByteIntegerSize(identifier);
            }
        }

        if (publish.UserProperties is { } userProperties)
        {
            foreach (var property in userProperties)
            {
                properties += 1 + 2 + Encoding.UTF8.GetByteCount(property.Name) + 2 + property.ValueBuffer.Length;
            }
        }

        properties += publish.TopicAlias > 0 ? 3 : 0;

        var remaining = 2 + Encoding.UTF8.GetByteCount(publish.Topic ?? "")
            + (publish.QualityOfServiceLevel > MqttQualityOfServiceLevel.AtMostOnce ? 2 : 0)
            + VariableByteIntegerSize((ulong)properties) + properties
            + publish.Payload.Length;
        return 1 + VariableByteIntegerSize((ulong)remaining) + remaining;
    }

    private static long Utf8Property(string? value) => string.IsNullOrEmpty(value) ? 0 : 3 + Encoding.UTF8.GetByteCount(value);

    private static int VariableByteIntegerSize(ulong value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };
}
