namespace EdgeAgent.Mqtt.Embedded;

/// <summary>Why the embedded broker refused a connection, a packet, a publish or a subscription: the <c>reason</c> tag of <c>edgeagent.broker.refusals</c>.</summary>
public enum RefusalReason
{
    /// <summary><c>connection_limit</c>: <see cref="MqttOptions.BrokerMaxConnections"/> connections were open, every one authenticated.</summary>
    ConnectionLimit,

    /// <summary><c>connection_rate</c>: the remote address sent CONNECTs faster than allowed; CONNACK 0x9F.</summary>
    ConnectionRate,

    /// <summary><c>tls_handshake_timeout</c>: no TLS handshake within the timeout.</summary>
    TlsHandshakeTimeout,

    /// <summary><c>tls_handshake_failed</c>: the TLS handshake failed (no common protocol, a client certificate refused...).</summary>
    TlsHandshakeFailed,

    /// <summary><c>connect_timeout</c>: no CONNECT packet within the timeout.</summary>
    ConnectTimeout,

    /// <summary><c>not_connect</c>: the first packet was not a CONNECT.</summary>
    NotConnect,

    /// <summary><c>packet_too_large</c>: a packet over <see cref="MqttOptions.MaxPacketBytes"/>.</summary>
    PacketTooLarge,

    /// <summary><c>client_id</c>: an empty client id without a clean session, which the specifications forbid.</summary>
    ClientId,

    /// <summary><c>client_id_reserved</c>: the client id the agent itself uses inside its broker.</summary>
    ClientIdReserved,

    /// <summary><c>keep_alive</c>: an MQTT 3.1.1 keep-alive of 0 or above the maximum, which such a client cannot be told to change.</summary>
    KeepAlive,

    /// <summary><c>retained_will</c>: an MQTT 5 will message with the retain flag; this broker keeps no retained message.</summary>
    RetainedWill,

    /// <summary><c>authentication</c>: the access policy refused the CONNECT.</summary>
    Authentication,

    /// <summary><c>payment_denied</c>: the policy does not let this identity publish a payment on that topic.</summary>
    PaymentDenied,

    /// <summary><c>response_topic_denied</c>: the policy does not let this identity be answered on that response topic.</summary>
    ResponseTopicDenied,

    /// <summary><c>publish_denied</c>: the policy does not let this identity publish on that topic.</summary>
    PublishDenied,

    /// <summary><c>retained</c>: a retained message on a topic that is not a payment's; this broker keeps none.</summary>
    Retained,

    /// <summary><c>unauthenticated</c>: a message from a connection without an identity (a will message after the connection ended).</summary>
    Unauthenticated,

    /// <summary><c>subscription_payments</c>: a subscription that could match a payment topic.</summary>
    SubscriptionPayments,

    /// <summary><c>subscription_denied</c>: the policy does not let this identity subscribe to that filter.</summary>
    SubscriptionDenied,

    /// <summary><c>answer_topic_invalid</c>: the agent was asked to answer on a topic no MQTT message can have (wildcards, NUL, too long).</summary>
    AnswerTopicInvalid,

    /// <summary><c>topic_alias</c>: an MQTT 5 PUBLISH with a Topic Alias, which CONNACK said is not accepted (Topic Alias Maximum 0); DISCONNECT 0x94.</summary>
    TopicAlias,

    /// <summary><c>subscription_limit</c>: a subscription beyond <see cref="MqttOptions.BrokerMaxSubscriptionsPerSession"/>; SUBACK 0x97.</summary>
    SubscriptionLimit,

    /// <summary><c>identity_session_limit</c>: a new session beyond <see cref="MqttOptions.BrokerMaxSessionsPerIdentity"/> for one identity; CONNACK 0x97.</summary>
    IdentitySessionLimit,

    /// <summary><c>identity_connection_limit</c>: a connection beyond <see cref="MqttOptions.BrokerMaxConnectionsPerIdentity"/> for one identity; CONNACK 0x97.</summary>
    IdentityConnectionLimit,

    /// <summary><c>session_message_limit</c>: a session held <see cref="MqttOptions.BrokerMaxKeptMessagesPerSession"/> messages; the oldest was dropped.</summary>
    SessionMessageLimit,

    /// <summary><c>pre_auth_timeout</c>: no accepted CONNECT (TLS handshake included) within <see cref="MqttOptions.BrokerPreAuthTimeoutSeconds"/> of the accept.</summary>
    PreAuthTimeout,

    /// <summary><c>pre_auth_evicted</c>: an unauthenticated socket closed, the oldest first, to make room for a new one.</summary>
    PreAuthEvicted,

    /// <summary><c>password_checks_busy</c>: <see cref="MqttOptions.BrokerPasswordChecksAtOnce"/> password checks were running and none ended in time; CONNACK 0x9F.</summary>
    PasswordChecksBusy,

    /// <summary><c>owed_answer_limit</c>: a client was owed <see cref="MqttOptions.BrokerOwedAnswersPerClient"/> answers it never acknowledged; the oldest was dropped.</summary>
    OwedAnswerLimit,

    /// <summary><c>owed_answer_expired</c>: an answer was owed longer than <see cref="MqttOptions.BrokerOwedAnswerHours"/> to a client that never took it; dropped.</summary>
    OwedAnswerExpired,

    /// <summary><c>owed_answer_total_limit</c>: the broker owed <see cref="MqttOptions.BrokerOwedAnswersTotal"/> answers in all; the oldest of all was dropped.</summary>
    OwedAnswerTotalLimit,
    /// <summary><c>answer_write_wait</c>: a payment's answer, queued to its connection, was not written within the wait; its PUBACK went first (the answer stays owed).</summary>
    AnswerWriteWait,

    /// <summary><c>keep_alive_timeout</c>: a client sent nothing for 1.5 times its keep-alive while the broker waited for it; DISCONNECT 0x8D.</summary>
    KeepAliveTimeout,

    /// <summary>
    /// <c>answer_too_large</c>: a message larger than the Maximum Packet Size the MQTT 5 client declared in its CONNECT;
    /// not sent (MQTT 5 §3.1.2.11.4), the broker going on as if it had been.
    /// </summary>
    AnswerTooLarge,

    /// <summary>
    /// <c>maximum_packet_size</c>: an MQTT 5 CONNECT declaring a Maximum Packet Size below
    /// <see cref="ConnectTerms.MinClientMaximumPacketSize"/>, smaller than any answer the agent sends; CONNACK 0x83.
    /// </summary>
    MaximumPacketSize,
}
