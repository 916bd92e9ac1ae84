namespace EdgeAgent.Mqtt.Embedded;

/// <summary>The embedded broker's settings from <see cref="MqttOptions"/>, checked together and in the units the code uses.</summary>
internal sealed class BrokerLimits
{
    public required int MaxPacketBytes { get; init; }

    public required int MaxConnections { get; init; }

    public required int ConnectionsPerSecondPerAddress { get; init; }

    public required int ConnectionBurstPerAddress { get; init; }

    public required TimeSpan ConnectTimeout { get; init; }

    public required TimeSpan TlsHandshakeTimeout { get; init; }

    public required TimeSpan PreAuthTimeout { get; init; }

    /// <summary>Most sockets that have not authenticated at once: the slots beyond it are kept for authenticated clients.</summary>
    public required int MaxPendingConnections { get; init; }

    public required int PendingConnectionsPerAddress { get; init; }

    public required ushort KeepAliveMin { get; init; }

    public required ushort KeepAliveMax { get; init; }

    public required uint SessionExpiryMax { get; init; }

    public required int MaxSessions { get; init; }

    public required ushort ReceiveMaximum { get; init; }

    public required int AnswerRetentionCount { get; init; }

    public required int MaxKeptMessagesPerSession { get; init; }

    public required int MaxSubscriptionsPerSession { get; init; }

    public required int MaxSessionsPerIdentity { get; init; }

    public required int MaxConnectionsPerIdentity { get; init; }

    public required TimeSpan AnswerRetention { get; init; }

    public required TimeSpan RefusalLogInterval { get; init; }

    public required int PasswordChecksAtOnce { get; init; }

    /// <summary>Answers one client may be owed (unacknowledged) at once; the oldest goes beyond it.</summary>
    public required int OwedAnswersPerClient { get; init; }

    /// <summary>Answers the broker may owe in all, whatever their clients; the oldest of all goes beyond it.</summary>
    public required int OwedAnswersTotal { get; init; }

    /// <summary>How long an answer stays owed to a client that never takes it.</summary>
    public required TimeSpan OwedAnswerAge { get; init; }

    /// <summary>How long a payment's PUBACK waits for its answer, queued to the same connection, to be written first.</summary>
    public TimeSpan AnswerWriteWait { get; init; } = TimeSpan.FromSeconds(5);

    public static BrokerLimits From(MqttOptions options)
    {
        if (options.BrokerKeepAliveMinSeconds > options.BrokerKeepAliveMaxSeconds)
        {
            throw new InvalidOperationException(
                $"Mqtt:BrokerKeepAliveMinSeconds ({options.BrokerKeepAliveMinSeconds}) is above Mqtt:BrokerKeepAliveMaxSeconds ({options.BrokerKeepAliveMaxSeconds}).");
        }

        if (options.BrokerConnectionBurstPerAddress < options.BrokerConnectionsPerSecondPerAddress)
        {
            throw new InvalidOperationException(
                $"Mqtt:BrokerConnectionBurstPerAddress ({options.BrokerConnectionBurstPerAddress}) is below Mqtt:BrokerConnectionsPerSecondPerAddress ({options.BrokerConnectionsPerSecondPerAddress}): a second's worth must fit in the burst.");
        }

        if (options.BrokerSessionExpiryMaxSeconds is < 0 or > uint.MaxValue)
        {
            throw new InvalidOperationException($"Mqtt:BrokerSessionExpiryMaxSeconds ({options.BrokerSessionExpiryMaxSeconds}) is outside 0..{uint.MaxValue}.");
        }

        return new BrokerLimits
        {
            MaxPacketBytes = options.MaxPacketBytes,
            MaxConnections = options.BrokerMaxConnections,
            ConnectionsPerSecondPerAddress = options.BrokerConnectionsPerSecondPerAddress,
            ConnectionBurstPerAddress = options.BrokerConnectionBurstPerAddress,
            ConnectTimeout = TimeSpan.FromSeconds(options.BrokerConnectTimeoutSeconds),
            TlsHandshakeTimeout = TimeSpan.FromSeconds(options.BrokerTlsHandshakeTimeoutSeconds),
            PreAuthTimeout = TimeSpan.FromSeconds(options.BrokerPreAuthTimeoutSeconds),
            MaxPendingConnections = Math.Max(1, options.BrokerMaxConnections * (100 - options.BrokerAuthenticatedReservePercent) / 100),
            PendingConnectionsPerAddress = options.BrokerPendingConnectionsPerAddress,
            KeepAliveMin = checked((ushort)options.BrokerKeepAliveMinSeconds),
            KeepAliveMax = checked((ushort)options.BrokerKeepAliveMaxSeconds),
            SessionExpiryMax = (uint)options.BrokerSessionExpiryMaxSeconds,
            MaxSessions = options.BrokerMaxSessions,
            ReceiveMaximum = checked((ushort)options.BrokerReceiveMaximum),
            AnswerRetentionCount = options.AnswerRetentionCount,
            MaxKeptMessagesPerSession = options.BrokerMaxKeptMessagesPerSession,
            MaxSubscriptionsPerSession = options.BrokerMaxSubscriptionsPerSession,
            MaxSessionsPerIdentity = options.BrokerMaxSessionsPerIdentity,
            MaxConnectionsPerIdentity = options.BrokerMaxConnectionsPerIdentity,
            AnswerRetention = TimeSpan.FromSeconds(options.AnswerRetentionSeconds),
            RefusalLogInterval = TimeSpan.FromSeconds(options.RefusalLogIntervalSeconds),
            PasswordChecksAtOnce = options.BrokerPasswordChecksAtOnce,
            OwedAnswersPerClient = options.BrokerOwedAnswersPerClient,
            OwedAnswersTotal = options.BrokerOwedAnswersTotal,
            OwedAnswerAge = TimeSpan.FromHours(options.BrokerOwedAnswerHours),
        };
    }
}
