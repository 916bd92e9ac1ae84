using System.Text;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>What a topic to publish an answer on must be (MQTT 5 §4.7): not empty, no wildcard, no NUL, at most 65535 bytes of UTF-8.</summary>
internal static class AnswerTopics
{
    public static bool IsValid(string? topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
        {
            return false;
        }

        return topic.Length <= 65535 / 3 || Encoding.UTF8.GetByteCount(topic) <= 65535;
    }
}
