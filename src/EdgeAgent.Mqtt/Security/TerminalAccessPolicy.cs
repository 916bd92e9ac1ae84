using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The embedded broker's access policy: identities from client certificates, the password file and the identities
/// file (<see cref="MqttOptions"/>), the topic rules of <see cref="TopicRules"/>, and every refusal counted by reason
/// in <see cref="Refusals"/>. Built once at start; a file that cannot be read stops the start with its name.
/// </summary>
public sealed partial class TerminalAccessPolicy : ITerminalAccessPolicy
{
    /// <summary>Where the broker keeps a connection's identity among its session items.</summary>
    public const string SessionItemKey = "edgeagent.identity";

    private readonly string _root;
    private readonly TerminalAuthenticator _authenticator;

    public TerminalAccessPolicy(
        MqttOptions options,
        string topicRoot,
        IdentityMap identities,
        PasswordFile? passwords,
        ClientCertificateValidator? certificates,
        BrokerRefusals refusals)
    {
        _root = topicRoot;
        _authenticator = new TerminalAuthenticator(options, identities, passwords, certificates);
        Refusals = refusals;
    }

    /// <summary>The refusal counters.</summary>
    public BrokerRefusals Refusals { get; }

    /// <summary>
    /// Builds the policy from the files <paramref name="options"/> names; a file that cannot be parsed throws
    /// <see cref="InvalidOperationException"/> naming it, which stops the start.
    /// </summary>
    public static TerminalAccessPolicy Create(MqttOptions options, string topicRoot, IMeterFactory meterFactory, TimeProvider time, ILogger logger)
    {
        IdentityMap identities;
        PasswordFile? passwords;
        ClientCertificateValidator? certificates;
        try
        {
            identities = string.IsNullOrWhiteSpace(options.IdentitiesFile) ? IdentityMap.Empty : IdentityMap.Load(options.IdentitiesFile);
            passwords = string.IsNullOrWhiteSpace(options.PasswordFile) ? null : PasswordFile.Load(options.PasswordFile);
            certificates = string.IsNullOrWhiteSpace(options.CaPath) ? null : new ClientCertificateValidator(CertificateFiles.LoadBundle(options.CaPath), time);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException("The embedded broker's credentials cannot be read: " + ex.Message, ex);
        }

        LogIdentities(logger, identities.Count, passwords is not null, certificates is not null, BrokerExposure.AnonymousAllowed(options));
        return new TerminalAccessPolicy(options, topicRoot, identities, passwords, certificates, new BrokerRefusals(meterFactory));
    }

    public ConnectDecision Authenticate(ConnectRequest request)
    {
        var decision = _authenticator.Authenticate(request);
        if (decision.Refusal is { } reason)
        {
            Refusals.Add(reason);
        }

        return decision;
    }

    public AccessDecision AuthorizePayment(TerminalIdentity identity, string storeId, string terminalId) =>
        Count(TopicRules.Payment(identity, storeId, terminalId));

    public AccessDecision AuthorizePublish(TerminalIdentity identity, string topic, bool retain) =>
        Count(TopicRules.Publish(_root, identity, topic, retain));

    public AccessDecision AuthorizeSubscription(TerminalIdentity identity, string topicFilter) =>
        Count(TopicRules.Subscription(_root, identity, topicFilter));

    public AccessDecision AuthorizeResponseTopic(TerminalIdentity identity, string storeId, string terminalId, string responseTopic) =>
        Count(TopicRules.ResponseTopic(_root, identity, storeId, terminalId, responseTopic));

    private AccessDecision Count(AccessDecision decision)
    {
        if (decision.Reason is { } reason)
        {
            Refusals.Add(reason);
        }

        return decision;
    }

    [LoggerMessage(EventId = 231, Level = LogLevel.Information,
        Message = "Embedded broker identities: {Count} named; passwords {Passwords}, client certificates {Certificates}, local anonymous clients {Anonymous}")]
    private static partial void LogIdentities(ILogger logger, int count, bool passwords, bool certificates, bool anonymous);
}
