namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Who may connect to the terminals' broker and what each identity may do there. Every refusal is counted by
/// reason. The broker asks at CONNECT, SUBSCRIBE and PUBLISH; the pipeline asks about a payment's response topic.
/// </summary>
public interface ITerminalAccessPolicy
{
    /// <summary>Authenticates a CONNECT: an identity, or a refusal with its MQTT reason code.</summary>
    ConnectDecision Authenticate(ConnectRequest request);

    /// <summary>May <paramref name="identity"/> publish a payment as store <paramref name="storeId"/>, terminal <paramref name="terminalId"/>?</summary>
    AccessDecision AuthorizePayment(TerminalIdentity identity, string storeId, string terminalId);

    /// <summary>May <paramref name="identity"/> publish on <paramref name="topic"/>? Retained messages are refused to everyone.</summary>
    AccessDecision AuthorizePublish(TerminalIdentity identity, string topic, bool retain);

    /// <summary>May <paramref name="identity"/> subscribe to <paramref name="topicFilter"/>?</summary>
    AccessDecision AuthorizeSubscription(TerminalIdentity identity, string topicFilter);

    /// <summary>
    /// May a payment from <paramref name="identity"/> as <paramref name="storeId"/>/<paramref name="terminalId"/> be
    /// answered on <paramref name="responseTopic"/>? Only topics under that terminal's own prefix are allowed.
    /// </summary>
    AccessDecision AuthorizeResponseTopic(TerminalIdentity identity, string storeId, string terminalId, string responseTopic);
}
