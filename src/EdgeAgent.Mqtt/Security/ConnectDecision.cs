using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The answer to a CONNECT: an identity, or a refusal. Refusal codes are ones MQTT 3.1.1 can also carry
/// (bad user name or password, not authorized, client identifier not valid), so every client gets a clear CONNACK;
/// a password back-off is "connection rate exceeded", which the broker tells an MQTT 3.1.1 client as "server unavailable".
/// </summary>
public sealed record ConnectDecision
{
    private ConnectDecision(TerminalIdentity? identity, MqttConnectReasonCode code, RefusalReason? refusal, string? assignedClientId)
    {
        Identity = identity;
        ReasonCode = code;
        Refusal = refusal;
        AssignedClientId = assignedClientId;
    }

    /// <summary>Who the client is; null when refused.</summary>
    public TerminalIdentity? Identity { get; }

    /// <summary>The CONNACK reason code: <c>Success</c>, or why not.</summary>
    public MqttConnectReasonCode ReasonCode { get; }

    /// <summary>The counted reason of a refusal.</summary>
    public RefusalReason? Refusal { get; }

    /// <summary>The client id to assign when the client asked for one (MQTT 5, empty client id).</summary>
    public string? AssignedClientId { get; }

    public bool IsAccepted => Identity is not null;

    public static ConnectDecision Accept(TerminalIdentity identity, string? assignedClientId = null) =>
        new(identity, MqttConnectReasonCode.Success, null, assignedClientId);

    public static ConnectDecision Refuse(RefusalReason refusal) => new(null, CodeOf(refusal), refusal, null);

    private static MqttConnectReasonCode CodeOf(RefusalReason refusal) => refusal switch
    {
        RefusalReason.ReservedClientId or RefusalReason.ClientIdNotAllowed => MqttConnectReasonCode.ClientIdentifierNotValid,
        RefusalReason.BadCredentials or RefusalReason.Anonymous => MqttConnectReasonCode.BadUserNameOrPassword,
        RefusalReason.PasswordBackoff => MqttConnectReasonCode.ConnectionRateExceeded,
        _ => MqttConnectReasonCode.NotAuthorized,
    };
}
