using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// What the broker grants a CONNECT, decided before MQTTnet sees the packet (which it then reads as if the client had
/// asked for it): a client id for a client that sent none with a clean session, a keep-alive and a session expiry
/// within the configured ranges. MQTT 5 clients are told in CONNACK; MQTT 3.1.1 clients cannot be, so a keep-alive
/// they would have to change is refused instead, as mosquitto does.
/// </summary>
internal readonly record struct ConnectTerms(
    RefusalReason? Refusal,
    bool ClientIdAssigned,
    ushort ServerKeepAlive,
    uint? SessionExpiryInterval)
{
    /// <summary>The prefix of the client ids the broker assigns, as mosquitto's are.</summary>
    public const string AssignedPrefix = "auto-";

    /// <summary>
    /// The smallest Maximum Packet Size an MQTT 5 client may declare: below it no answer of the agent fits (the shortest, the
    /// refusal of a payload that is not JSON, is 163 bytes of payload alone), so the client could pay and never be
    /// answered. Such a CONNECT is refused, where a larger limit that only some answers exceed is taken and those answers
    /// are counted (<see cref="RefusalReason.AnswerTooLarge"/>).
    /// </summary>
    public const uint MinClientMaximumPacketSize = 128;

    public static ConnectTerms Negotiate(MqttConnectPacket connect, MqttProtocolVersion version, BrokerLimits limits)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var assigned = false;
        if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && version is MqttProtocolVersion.V311 or MqttProtocolVersion.V500)
        {
            // MQTT 3.1.1 §3.1.3.1 and MQTT 5 §3.1.3.1: a zero-length client id with a clean session gets one from the server.
            connect.ClientId = AssignedPrefix + Guid.NewGuid().ToString("N");
            assigned = true;
        }

        RefusalReason? refusal = null;
        ushort serverKeepAlive = 0;
        var asked = connect.KeepAlivePeriod;
        if (v5)
        {
            // 0 asks for no keep-alive: a dead connection would then hold its slot for ever, so it gets the maximum.
            var granted = asked == 0 ? limits.KeepAliveMax : Math.Clamp(asked, limits.KeepAliveMin, limits.KeepAliveMax);
            if (granted != asked)
            {
                connect.KeepAlivePeriod = granted;
                serverKeepAlive = granted;
            }
        }
        else if (asked == 0 || asked > limits.KeepAliveMax)
        {
            refusal = RefusalReason.KeepAlive;
        }
        else if (asked < limits.KeepAliveMin)
        {
            // The client pings more often than it must; the broker only waits longer before it calls the connection dead.
            connect.KeepAlivePeriod = limits.KeepAliveMin;
        }

        uint? expiry = null;
        if (v5 && connect.SessionExpiryInterval > limits.SessionExpiryMax)
        {
            connect.SessionExpiryInterval = limits.SessionExpiryMax;
            expiry = limits.SessionExpiryMax;
        }

        if (v5 && connect.MaximumPacketSize is > 0 and < MinClientMaximumPacketSize)
        {
            refusal = RefusalReason.MaximumPacketSize;
        }

        if (v5 && connect.WillFlag && connect.WillRetain)
        {
            // CONNACK says Retain Available = 0, and MQTT 5 §3.1.2.7 then requires refusing a retained will.
            refusal = RefusalReason.RetainedWill;
        }

        if (string.IsNullOrEmpty(connect.ClientId))
        {
            refusal ??= RefusalReason.ClientId;
        }

        return new ConnectTerms(refusal, assigned, serverKeepAlive, expiry);
    }
}
