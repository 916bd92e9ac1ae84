using System.Diagnostics.Metrics;
using EdgeAgent.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The embedded broker's access policy: identities from client certificates, the password file and the identities
/// file (<see cref="MqttOptions"/>), the topic rules of <see cref="TopicRules"/>, and every refusal counted by reason
/// in <see cref="Refusals"/> and logged (refused connections as warnings, refused publishes and subscriptions as
/// information: PCI DSS 10.2.1.4 asks for invalid access attempts on record), at most one line per reason per
/// <see cref="MqttOptions.RefusalLogIntervalSeconds"/> with the count left unlogged, so that a client refused in a loop
/// cannot flood the log. Built once at start; a file that cannot be read stops the start with its name.
/// </summary>
public sealed partial class TerminalAccessPolicy : ITerminalAccessPolicy
{

    private readonly string _root;
    private readonly TerminalAuthenticator _authenticator;
    private readonly ILogger _logger;
    private readonly KeyedLogThrottle<RefusalReason> _throttle;

    public TerminalAccessPolicy(
        MqttOptions options,
        string topicRoot,
        IdentityMap identities,
        PasswordFile? passwords,
        ClientCertificateValidator? certificates,
        BrokerRefusals refusals,
        ILogger? logger = null,
        TimeProvider? time = null)
    {
        _root = topicRoot;
        _authenticator = new TerminalAuthenticator(options, identities, passwords, certificates, time ?? TimeProvider.System);
        _throttle = new KeyedLogThrottle<RefusalReason>(time ?? TimeProvider.System, TimeSpan.FromSeconds(options.RefusalLogIntervalSeconds));
        ClientCertificates = certificates;
        Refusals = refusals;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The refusal counters.</summary>
    public BrokerRefusals Refusals { get; }

    /// <summary>The store CA's check of client certificates, for the TLS listener (<see cref="EmbeddedBrokerEndpoints.Configure"/>); null without <c>Mqtt:CaPath</c>.</summary>
    public ClientCertificateValidator? ClientCertificates { get; }

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
        return new TerminalAccessPolicy(options, topicRoot, identities, passwords, certificates, new BrokerRefusals(meterFactory), logger, time);
    }

    public ConnectDecision Authenticate(ConnectRequest request)
    {
        var decision = _authenticator.Authenticate(request);
        if (decision.Refusal is { } reason)
        {
            Refusals.Add(reason);
            if (_throttle.TryLog(reason, out var unlogged))
            {
                LogConnectRefused(_logger, request.RemoteEndPoint?.ToString() ?? "?", reason.Tag(), LogSafe(request.ClientId), LogSafe(request.UserName),
                    request.ClientCertificate is null ? "none" : LogSafe(request.ClientCertificate.Subject), unlogged, (int)_throttle.Interval.TotalSeconds);
            }
        }

        return decision;
    }

    public AccessDecision AuthorizePayment(TerminalIdentity identity, string storeId, string terminalId) =>
        Count(TopicRules.Payment(identity, storeId, terminalId), identity, "payment as", storeId + "/" + terminalId);

    public AccessDecision AuthorizePublish(TerminalIdentity identity, string topic, bool retain) =>
        Count(TopicRules.Publish(_root, identity, topic, retain), identity, "publish to", topic);

    public AccessDecision AuthorizeSubscription(TerminalIdentity identity, string topicFilter) =>
        Count(TopicRules.Subscription(_root, identity, topicFilter), identity, "subscription to", topicFilter);

    public AccessDecision AuthorizeResponseTopic(TerminalIdentity identity, string storeId, string terminalId, string responseTopic) =>
        Count(TopicRules.ResponseTopic(_root, identity, storeId, terminalId, responseTopic), identity, "response topic", responseTopic);

    /// <summary>
    /// Text from a client, fit for a log line: at most 129 characters, and every digit masked when it holds 12 or more,
    /// so that a card number typed into a user name or topic never reaches the logs.
    /// </summary>
    public static string LogSafe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        var kept = text.Length > IdentityMap.MaxNameLength ? text[..IdentityMap.MaxNameLength] + "…" : text;
        return kept.Count(char.IsAsciiDigit) >= 12 ? string.Concat(kept.Select(c => char.IsAsciiDigit(c) ? '#' : c)) : kept;
    }

    private AccessDecision Count(AccessDecision decision, TerminalIdentity identity, string what, string target)
    {
        if (decision.Reason is { } reason)
        {
            Refusals.Add(reason);
            if (_throttle.TryLog(reason, out var unlogged))
            {
                LogRefused(_logger, identity.Name, what, LogSafe(target), reason.Tag(), unlogged, (int)_throttle.Interval.TotalSeconds);
            }
        }

        return decision;
    }

    [LoggerMessage(EventId = 232, Level = LogLevel.Warning,
        Message = "Broker refused a connection from {Remote}: {Reason} (client id {ClientId}, user {User}, certificate {Certificate}); {Unlogged} more refusals for this reason went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private static partial void LogConnectRefused(ILogger logger, string remote, string reason, string clientId, string user, string certificate, long unlogged, int intervalSeconds);

    [LoggerMessage(EventId = 233, Level = LogLevel.Information,
        Message = "Broker refused {Identity} a {What} {Target}: {Reason}; {Unlogged} more refusals for this reason went unlogged since the last such line (at most one every {IntervalSeconds} s)")]
    private static partial void LogRefused(ILogger logger, string identity, string what, string target, string reason, long unlogged, int intervalSeconds);

    [LoggerMessage(EventId = 231, Level = LogLevel.Information,
        Message = "Embedded broker identities: {Count} named; passwords {Passwords}, client certificates {Certificates}, local anonymous clients {Anonymous}")]
    private static partial void LogIdentities(ILogger logger, int count, bool passwords, bool certificates, bool anonymous);
}
