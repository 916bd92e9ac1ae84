using System.Collections;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Applies an <see cref="ITerminalAccessPolicy"/> to MQTTnet's server events: CONNECT (the identity goes into the
/// session items), SUBSCRIBE and PUBLISH. The agent's own injected answers (<paramref name="agentClientId"/>) pass.
/// </summary>
public sealed class MqttServerPolicyAdapter(ITerminalAccessPolicy policy, string agentClientId)
{
    /// <summary>For <see cref="MqttServer.ValidatingConnectionAsync"/>.</summary>
    public Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var decision = policy.Authenticate(new ConnectRequest(
            e.ClientId ?? "", e.UserName, e.RawPassword ?? ReadOnlyMemory<byte>.Empty, e.ClientCertificate, e.RemoteEndPoint,
            e.IsSecureConnection, e.ProtocolVersion == MqttProtocolVersion.V500));
        if (decision.Identity is not { } identity)
        {
            e.ReasonCode = decision.ReasonCode;
            e.ReasonString = decision.Refusal?.Tag();
            return Task.CompletedTask;
        }

        // A resumed session keeps the items of the CONNECT that made it; client ids are bound to identities
        // (TerminalAuthenticator), so those items always name this same identity.
        e.SessionItems[TerminalAccessPolicy.SessionItemKey] = identity;
        if (decision.AssignedClientId is { } assigned)
        {
            e.AssignedClientIdentifier = assigned;
        }

        return Task.CompletedTask;
    }

    /// <summary>For <see cref="MqttServer.InterceptingSubscriptionAsync"/>.</summary>
    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var decision = IdentityOf(e.SessionItems) is { } identity
            ? policy.AuthorizeSubscription(identity, e.TopicFilter.Topic)
            : AccessDecision.Refuse(RefusalReason.Anonymous);
        if (!decision.IsAllowed)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.ReasonString = decision.Reason?.Tag();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Call first in <see cref="MqttServer.InterceptingPublishAsync"/>: false (and the PUBACK says not authorized) when
    /// the publish is refused; the message is then neither routed nor taken as a payment.
    /// </summary>
    public bool AuthorizePublish(InterceptingPublishEventArgs e)
    {
        if (e.ClientId == agentClientId)
        {
            return true;
        }

        var message = e.ApplicationMessage;
        var decision = IdentityOf(e.SessionItems) is { } identity
            ? policy.AuthorizePublish(identity, message.Topic, message.Retain)
            : AccessDecision.Refuse(RefusalReason.Anonymous);
        if (decision.IsAllowed)
        {
            return true;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        e.Response.ReasonString = decision.Reason?.Tag();
        return false;
    }

    /// <summary>The identity a connection authenticated as, from its session items.</summary>
    public static TerminalIdentity? IdentityOf(IDictionary sessionItems) =>
        sessionItems[TerminalAccessPolicy.SessionItemKey] as TerminalIdentity;
}
