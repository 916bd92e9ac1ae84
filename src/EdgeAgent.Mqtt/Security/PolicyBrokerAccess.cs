using System.Runtime.CompilerServices;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The embedded broker's access decisions, made by the terminals' access policy: who a connection is (certificate, password,
/// or a local anonymous client where that is allowed), which payment topic it may publish on, which filters it may subscribe
/// to, and where its answers may go. The broker's own rules (no retained messages, no subscription that could match a
/// payment) apply whatever the policy says.
/// </summary>
public sealed class PolicyBrokerAccess(ITerminalAccessPolicy policy, string topicRoot) : IBrokerAccess
{
    private readonly ConditionalWeakTable<BrokerIdentity, TerminalIdentity> _identities = [];

    public ValueTask<BrokerAuthentication> AuthenticateAsync(BrokerConnectRequest request, CancellationToken cancellationToken)
    {
        // An id the broker assigned (the client sent none, with a clean session) is unique to this connection and names no
        // session anyone else could take over: the policy judges the client as one that sent no id.
        var decision = policy.Authenticate(new ConnectRequest(
            request.ClientIdAssigned ? "" : request.ClientId, request.UserName, request.Password ?? ReadOnlyMemory<byte>.Empty, request.ClientCertificate,
            request.RemoteEndPoint, request.IsTls, CanAssignClientId: request.ClientIdAssigned || request.CleanSession));
        if (decision.Identity is not { } identity)
        {
            return ValueTask.FromResult(BrokerAuthentication.Refuse(decision.Refusal switch
            {
                RefusalReason.ReservedClientId or RefusalReason.ClientIdNotAllowed => ConnectRefusal.ClientIdRejected,
                RefusalReason.BadCredentials or RefusalReason.Anonymous => ConnectRefusal.BadCredentials,
                RefusalReason.PasswordBackoff => ConnectRefusal.TryLater,
                _ => ConnectRefusal.NotAuthorized,
            }));
        }

        var broker = new BrokerIdentity(identity.Name, identity.StoreId, identity.TerminalId, Shared: identity.Role == TerminalRole.Local);
        _identities.AddOrUpdate(broker, identity);
        return ValueTask.FromResult(BrokerAuthentication.Accept(broker));
    }

    public bool MayPublishPayment(BrokerIdentity identity, string topic) =>
        TerminalTopics.TryParsePayments(topicRoot, topic, out var store, out var terminal)
            ? policy.AuthorizePayment(Of(identity), store, terminal).IsAllowed
            : policy.AuthorizePublish(Of(identity), topic, retain: false).IsAllowed;

    public bool MayUseResponseTopic(BrokerIdentity identity, string responseTopic) =>
        identity.Store is not { } store || identity.Terminal is not { } terminal
            || policy.AuthorizeResponseTopic(Of(identity), store, terminal, responseTopic).IsAllowed;

    public bool MayPublish(BrokerIdentity identity, string topic) => policy.AuthorizePublish(Of(identity), topic, retain: false).IsAllowed;

    public bool MaySubscribe(BrokerIdentity identity, string topicFilter) => policy.AuthorizeSubscription(Of(identity), topicFilter).IsAllowed;

    private TerminalIdentity Of(BrokerIdentity identity) =>
        _identities.TryGetValue(identity, out var terminal) ? terminal : new TerminalIdentity(identity.Name, TerminalRole.Terminal, identity.Store, identity.Terminal);
}
