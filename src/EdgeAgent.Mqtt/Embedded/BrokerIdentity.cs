namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Who a connection acts as, once authenticated. <see cref="Name"/> goes into every payment it publishes
/// (<c>InboundMessage.SenderId</c>); <see cref="Store"/> and <see cref="Terminal"/> are what the access policy bound it to, if anything.
/// </summary>
public sealed record BrokerIdentity(string Name, string? Store = null, string? Terminal = null);
