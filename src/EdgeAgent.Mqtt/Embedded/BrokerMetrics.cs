using System.Diagnostics.Metrics;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The embedded broker's instruments, on the agent's meter (<see cref="MeterName"/>), for whatever exports that meter.
/// Nothing here is touched per message on the normal path: refusals, connections, answers kept for late subscribers,
/// reads held back by a connection's Receive Maximum.
/// </summary>
public sealed class BrokerMetrics
{
    /// <summary>The name of the agent's meter.</summary>
    public const string MeterName = "EdgeAgent";

    private static readonly string[] ReasonNames =
    [
        "connection_limit", "connection_rate", "tls_handshake_timeout", "tls_handshake_failed", "connect_timeout", "not_connect",
        "packet_too_large", "client_id", "client_id_reserved", "keep_alive", "retained_will", "authentication", "payment_denied",
        "response_topic_denied", "publish_denied", "retained", "unauthenticated", "subscription_payments", "subscription_denied",
        "answer_topic_invalid", "topic_alias", "subscription_limit", "identity_session_limit", "identity_connection_limit",
        "session_message_limit", "pre_auth_timeout", "pre_auth_evicted", "password_checks_busy",
        "owed_answer_limit", "owed_answer_expired", "owed_answer_total_limit", "answer_write_wait",
        "keep_alive_timeout", "answer_too_large", "maximum_packet_size",
    ];

    private readonly Counter<long> _refusals;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _answersHeld;
    private readonly Counter<long> _answersRedelivered;
    private readonly Counter<long> _answersDropped;
    private readonly Counter<long> _sessionsRemoved;
    private readonly Counter<long> _receiveMaximumWaits;

    public BrokerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _refusals = meter.CreateCounter<long>("edgeagent.broker.refusals", "{refusal}",
            "Connections, packets, publishes and subscriptions the embedded broker refused, by reason.");
        _connections = meter.CreateUpDownCounter<long>("edgeagent.broker.connections", "{connection}",
            "Client connections the embedded broker holds.");
        _answersHeld = meter.CreateCounter<long>("edgeagent.broker.answers.held", "{answer}",
            "Answers no subscriber took when published (or not acknowledged), kept for a later subscription.");
        _answersRedelivered = meter.CreateCounter<long>("edgeagent.broker.answers.redelivered", "{answer}",
            "Kept answers delivered to a client when it subscribed.");
        _answersDropped = meter.CreateCounter<long>("edgeagent.broker.answers.dropped", "{answer}",
            "Kept answers dropped before any client subscribed for them, by reason (expired, evicted).");
        _sessionsRemoved = meter.CreateCounter<long>("edgeagent.broker.sessions.removed", "{session}",
            "Disconnected sessions the embedded broker deleted, by reason (expired, evicted).");
        _receiveMaximumWaits = meter.CreateCounter<long>("edgeagent.broker.receive_maximum.waits", "{publish}",
            "PUBLISH packets a connection left unread because as many of its payments as its Receive Maximum were waiting for their record.");
    }

    /// <summary>The value of the <c>reason</c> tag for <paramref name="reason"/>.</summary>
    public static string ReasonName(RefusalReason reason) => ReasonNames[(int)reason];

    public void Refused(RefusalReason reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]));

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void AnswerHeld() => _answersHeld.Add(1);

    public void AnswersRedelivered(int count) => _answersRedelivered.Add(count);

    public void AnswerDropped(string reason) => _answersDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ReceiveMaximumWait() => _receiveMaximumWaits.Add(1);

    public void SessionRemoved(string reason) => _sessionsRemoved.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
