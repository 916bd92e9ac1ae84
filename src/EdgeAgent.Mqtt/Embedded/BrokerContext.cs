using Microsoft.Extensions.Logging;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>What the parts of one embedded broker share: its limits, clock, connections, owed and kept answers, quotas and refusal log.</summary>
internal sealed class BrokerContext
{
    public BrokerContext(string topicRoot, BrokerLimits limits, TimeProvider time, BrokerMetrics metrics, ILogger logger)
    {
        TopicRoot = topicRoot;
        Logger = logger;
        Limits = limits;
        Time = time;
        Metrics = metrics;
        Refusals = new RefusalLog(metrics, time, limits.RefusalLogInterval, logger);
        Kept = new KeptAnswers(limits.AnswerRetentionCount, limits.AnswerRetention, time, metrics);
        Subscriptions = new SubscriptionQuota(limits.MaxSubscriptionsPerSession);
        Identities = new IdentityQuota(limits);
        ConnectRate = new ConnectRate(limits);
        PasswordChecks = new PasswordCheckGate(limits);
        Handover = new ClientIdHandover(time, limits.ConnectTimeout);
    }

    /// <summary>First level of the payment topics.</summary>
    public string TopicRoot { get; }

    public BrokerLimits Limits { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public BrokerMetrics Metrics { get; }

    public RefusalLog Refusals { get; }

    public ConnectionRegistry Connections { get; } = new();

    /// <summary>Answers without a payer that no session took, kept for the next exact subscription to their topic.</summary>
    public KeptAnswers Kept { get; }

    /// <summary>The answers owed to the clients whose payments they answer (set once, before the broker starts).</summary>
    public OwedAnswers? Owed { get; set; }

    public SubscriptionQuota Subscriptions { get; }

    public IdentityQuota Identities { get; }

    public ConnectRate ConnectRate { get; }

    public PasswordCheckGate PasswordChecks { get; }

    public ClientIdHandover Handover { get; }

    /// <summary>A session is gone (deleted, expired, evicted, or replaced by a clean start): what was counted for it goes too.</summary>
    public void SessionEnded(string clientId, bool replaced)
    {
        Subscriptions.SessionEnded(clientId);
        if (!replaced)
        {
            Identities.SessionEnded(clientId);
        }
    }
}
