namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Who a connection acts as, once authenticated. <see cref="Name"/> goes into every payment it publishes
/// (<c>InboundMessage.SenderId</c>); <see cref="Store"/> and <see cref="Terminal"/> are what the access policy bound it to, if anything.
/// <see cref="Shared"/> marks an identity that unrelated clients share (the anonymous local clients): the bounds per identity
/// (sessions, connections) would make them crowd each other out, so only the broker-wide bounds apply to them.
/// </summary>
public sealed record BrokerIdentity(string Name, string? Store = null, string? Terminal = null, bool Shared = false);
