using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The answers sent on one connection to a client that owns their topic (<see cref="AnswerOwners"/>) and that it has
/// not acknowledged yet, by packet identifier. A PUBACK (seen by the <see cref="PacketSizeGuard"/>) marks its answer
/// delivered; those left when the connection ends are kept for the client's next subscription. One short lock, taken
/// only for answers and their PUBACKs.
/// </summary>
internal sealed class AnswerAcknowledgements(BrokerContext context)
{
    private readonly Dictionary<ushort, TrackedAnswer> _unacknowledged = [];

    /// <summary>
    /// Called for each PUBLISH the broker sends on the connection of <paramref name="clientId"/>; returns the answer when it
    /// answers a payment of this client (its PUBACK waits for this write).
    /// </summary>
    public TrackedAnswer? Sending(MqttPublishPacket publish, string? clientId)
    {
        if (TrackedAnswer.Of(publish.Payload) is not { } answer || clientId is null)
        {
            return null;
        }

        var payer = answer.Payer is { } p ? string.Equals(p, clientId, StringComparison.Ordinal) : (bool?)null;
        if (payer == false || (payer is null && !context.Owners.IsOwner(clientId, answer.Topic)))
        {
            return null; // sent to an observer, or to another client than the payer: its delivery is not the terminal's
        }

        if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            answer.MarkDelivered(); // at most once: handed to the connection is all QoS 0 promises
            context.Owed?.Settle(answer);
            return payer == true ? answer : null;
        }

        lock (_unacknowledged)
        {
            _unacknowledged[publish.PacketIdentifier] = answer;
        }

        return payer == true ? answer : null;
    }

    public void Acknowledged(ushort packetIdentifier)
    {
        TrackedAnswer? answer;
        lock (_unacknowledged)
        {
            if (_unacknowledged.Count == 0 || !_unacknowledged.Remove(packetIdentifier, out answer))
            {
                return;
            }
        }

        answer.MarkDelivered();
        context.Owed?.Settle(answer);
    }

    /// <summary>The connection ended: what it did not acknowledge waits for the next subscription (a resumed session may also resend it).</summary>
    public void ConnectionEnded()
    {
        List<TrackedAnswer> left;
        lock (_unacknowledged)
        {
            if (_unacknowledged.Count == 0)
            {
                return;
            }

            left = [.. _unacknowledged.Values];
            _unacknowledged.Clear();
        }

        foreach (var answer in left)
        {
            context.Undelivered.Keep(answer); // an answer owed to its payer stays owed instead (OwedAnswers)
        }
    }
}
