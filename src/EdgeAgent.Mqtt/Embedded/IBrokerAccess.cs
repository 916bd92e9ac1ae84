namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Who may connect to the embedded broker, and what each connection may publish and subscribe to. The broker calls
/// it at CONNECT, for every payment, every other publish and every subscription; what it always refuses by itself
/// (retained messages, subscriptions that could match a payment topic, the agent's own client id) never reaches it.
/// Publish and subscribe checks run on the message path: keep them free of I/O and locks.
/// </summary>
public interface IBrokerAccess
{
    /// <summary>Decides on a CONNECT: the identity the connection acts as, or why it is refused.</summary>
    ValueTask<BrokerAuthentication> AuthenticateAsync(BrokerConnectRequest request, CancellationToken cancellationToken);

    /// <summary>May <paramref name="identity"/> publish a payment on <paramref name="topic"/> (<c>{root}/{store}/{terminal}/payments</c>, or a malformed one)?</summary>
    bool MayPublishPayment(BrokerIdentity identity, string topic);

    /// <summary>May <paramref name="identity"/> ask for its answer on <paramref name="responseTopic"/> (for instance: only under its own prefix)?</summary>
    bool MayUseResponseTopic(BrokerIdentity identity, string responseTopic);

    /// <summary>May <paramref name="identity"/> publish a message that is not a payment on <paramref name="topic"/>?</summary>
    bool MayPublish(BrokerIdentity identity, string topic);

    /// <summary>May <paramref name="identity"/> subscribe to <paramref name="topicFilter"/>? Filters that could match a payment topic never get here.</summary>
    bool MaySubscribe(BrokerIdentity identity, string topicFilter);
}
