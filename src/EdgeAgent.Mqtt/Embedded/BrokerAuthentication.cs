namespace EdgeAgent.Mqtt.Embedded;

/// <summary>The outcome of <see cref="IBrokerAccess.AuthenticateAsync"/>: an identity, or a refusal.</summary>
public readonly record struct BrokerAuthentication(BrokerIdentity? Identity, ConnectRefusal Refusal)
{
    public static BrokerAuthentication Accept(BrokerIdentity identity) => new(identity, ConnectRefusal.None);

    public static BrokerAuthentication Refuse(ConnectRefusal refusal) => new(null, refusal);

    public bool IsAccepted => Identity is not null && Refusal == ConnectRefusal.None;
}
