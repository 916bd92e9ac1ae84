using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt;

/// <summary>The MQTT message that carries an answer back to a terminal, for either transport.</summary>
internal static class AnswerMessages
{
    public static MqttApplicationMessage Create(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, int qos) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        CorrelationData = correlationData,
        ContentType = "application/json",
        QualityOfServiceLevel = qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce,
    };
}
