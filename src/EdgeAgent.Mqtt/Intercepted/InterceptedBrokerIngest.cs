using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Mqtt.Embedded;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Intercepted;

/// <summary>
/// The broker inside the agent built only from MQTTnet's server as documented: its own TCP listener, sessions and send
/// queues, with the agent's rules in its events: who connects (<see cref="InterceptedConnectionGate"/>), what may be
/// published (<see cref="PaymentInterceptor"/>, which also holds a payment's PUBACK until its record is durable) and
/// subscribed to (<see cref="InterceptedSubscriptionGate"/>). Answers are injected; one nobody was subscribed for, and
/// the recent ones the record gives back after a crash, wait for the next exact subscription to their topic
/// (<see cref="KeptAnswers"/>).
/// </summary>
public sealed partial class InterceptedBrokerIngest : IIngest
{
    /// <summary>The client id under which the agent's own answers are injected; no client may connect with it.</summary>
    public const string AgentClientId = "edgeagent-intercepted";

    private readonly string _topicRoot;
    private readonly IPEndPoint _endpoint;
    private readonly MqttServer _server;
    private readonly PaymentInterceptor _publishes;
    private readonly ConnectedIdentities _identities = new();
    private readonly KeptAnswers _kept;
    private readonly IRecentAnswerSource _recentAnswers;
    private readonly TimeProvider _time;
    private readonly TimeSpan _answerRetention;
    private readonly int _answerRetentionCount;
    private readonly RefusalLog _refusals;
    private readonly BrokerMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly int _answerQos;
    private readonly uint _maxPacketBytes;
    private readonly ushort _receiveMaximum;
    private int _connections;
    private long _subscriptions;
    private int _disposed;

    public InterceptedBrokerIngest(
        MqttOptions options,
        string topicRoot,
        IBrokerAccess access,
        IRecentAnswerSource recentAnswers,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILoggerFactory loggerFactory)
    {
        _topicRoot = topicRoot;
        _logger = loggerFactory.CreateLogger<InterceptedBrokerIngest>();
        _answerQos = options.AnswerQos;
        _maxPacketBytes = (uint)options.MaxPacketBytes;
        _receiveMaximum = checked((ushort)options.BrokerReceiveMaximum);
        _metrics = new BrokerMetrics(meterFactory);
        _recentAnswers = recentAnswers;
        _time = time;
        _answerRetention = TimeSpan.FromSeconds(options.AnswerRetentionSeconds);
        _answerRetentionCount = options.AnswerRetentionCount;
        _kept = new KeptAnswers(options.AnswerRetentionCount, _answerRetention, time, _metrics);
        _refusals = new RefusalLog(_metrics, time, TimeSpan.FromSeconds(options.RefusalLogIntervalSeconds), _logger);
        _endpoint = new IPEndPoint(IPAddress.Parse(options.BindAddress), options.Port);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(options.Port)
            .WithDefaultEndpointReuseAddress() // a restarted agent binds again at once, with the old connections in TIME_WAIT
            .WithPersistentSessions(true)
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(options.BrokerConnectTimeoutSeconds));

        // MQTTnet listens on IPv4 and IPv6 "any" unless told otherwise: the family not bound is switched off (IPAddress.None).
        builder = _endpoint.AddressFamily == AddressFamily.InterNetworkV6
            ? builder.WithDefaultEndpointBoundIPV6Address(_endpoint.Address).WithDefaultEndpointBoundIPAddress(IPAddress.None)
            : builder.WithDefaultEndpointBoundIPAddress(_endpoint.Address).WithDefaultEndpointBoundIPV6Address(IPAddress.None);
        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _publishes = new PaymentInterceptor(topicRoot, options.MaxPacketBytes, access, _identities, _refusals, time, _stopping.Token);
        _server.ValidatingConnectionAsync += new InterceptedConnectionGate(access, _identities, _refusals, options.BrokerMaxConnections, () => Volatile.Read(ref _connections))
            .OnValidatingAsync;
        _server.InterceptingInboundPacketAsync += OnInboundPacketAsync;
        _server.InterceptingOutboundPacketAsync += OnOutboundPacketAsync;
        _server.InterceptingPublishAsync += _publishes.OnPublishAsync;
        _server.InterceptingSubscriptionAsync += new InterceptedSubscriptionGate(access, new PaymentTopicFilters(topicRoot), _identities, _refusals).OnSubscribingAsync;
        _server.ApplicationMessageNotConsumedAsync += OnNotConsumedAsync;
        _server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        _server.ClientConnectedAsync += OnConnectedAsync;
        _server.ClientDisconnectedAsync += OnDisconnectedAsync;
    }

    public string Description => "intercepted MQTTnet broker on " + _endpoint;

    public bool IsConnected => _server.IsStarted;

    /// <summary>Clients connected now.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Subscriptions made so far (for tests, which wait for a subscription instead of sleeping).</summary>
    internal long Subscriptions => Interlocked.Read(ref _subscriptions);

    /// <summary>Answers kept for a terminal that has not subscribed for them yet.</summary>
    public int UndeliveredAnswers => _kept.Count;

    public async Task StartAsync(IInboundSink sink, CancellationToken cancellationToken)
    {
        // Before the first connection: a terminal that subscribes at once must find the answers the record gave back.
        var restored = 0;
        foreach (var answer in _recentAnswers.AnswersSince(_time.GetUtcNow() - _answerRetention, _answerRetentionCount))
        {
            if (AnswerTopics.IsValid(answer.Topic))
            {
                _kept.Keep(AnswerMessages.Create(answer.Topic, answer.CorrelationData, answer.Payload, _answerQos), answer.AnsweredAt);
                restored++;
            }
        }

        _publishes.StartReceiving(sink);
        await _server.StartAsync();
        LogStarted(Description, PaymentTopics.Filter(_topicRoot), restored);
    }

    public Task StopReceivingAsync(CancellationToken cancellationToken)
    {
        _publishes.StopReceiving();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _publishes.StopReceiving();
        await _stopping.CancelAsync();
        await _server.StopAsync(new MqttServerStopOptions());
    }

    public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!AnswerTopics.IsValid(topic))
        {
            // MQTTnet would throw; a topic no message can have is the sender's doing and must not stop the agent.
            _refusals.Report(RefusalReason.AnswerTopicInvalid, null);
            return Task.CompletedTask;
        }

        // Queued in every matching session before this returns: the pipeline publishes before it settles, so the answer is in
        // the terminal's queue before the interceptor returns and MQTTnet queues the PUBACK.
        var message = AnswerMessages.Create(topic, correlationData, payload, _answerQos);
        return _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = AgentClientId }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _server.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// MQTTnet stores a PUBLISH's topic alias before any interceptor sees the message, and without a limit: a PUBLISH that
    /// carries one (this broker's CONNACK allows none) is dropped here, before that, and its client disconnected.
    /// </summary>
    private Task OnInboundPacketAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is MqttPublishPacket { TopicAlias: > 0 })
        {
            e.ProcessPacket = false;
            _refusals.Report(RefusalReason.PublishDenied, e.RemoteEndPoint);
            _ = _server.DisconnectClientAsync(e.ClientId, MqttDisconnectReasonCode.TopicAliasInvalid);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet's CONNACK offers retained messages and 65,535 topic aliases, neither of which this broker takes: the CONNACK
    /// says so instead, with the packet size and the unacknowledged payments it does take (MQTT 5; 3.1.1 has no such fields).
    /// </summary>
    private Task OnOutboundPacketAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is MqttConnAckPacket connAck)
        {
            connAck.RetainAvailable = false;
            connAck.TopicAliasMaximum = 0;
            connAck.MaximumPacketSize = _maxPacketBytes;
            connAck.ReceiveMaximum = _receiveMaximum;
        }

        return Task.CompletedTask;
    }

    private Task OnNotConsumedAsync(ApplicationMessageNotConsumedEventArgs e)
    {
        if (string.Equals(e.SenderId, AgentClientId, StringComparison.Ordinal))
        {
            // A copy: the pipeline's answer buffer is not held for as long as an answer may be kept.
            var answer = e.ApplicationMessage;
            _kept.Keep(AnswerMessages.Create(answer.Topic, answer.CorrelationData, answer.Payload.ToArray(), _answerQos), _time.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    /// <summary>An exact subscription gets the answers kept for its topic; a wildcard one (a dashboard) takes none away.</summary>
    private async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        Interlocked.Increment(ref _subscriptions);
        var filter = e.TopicFilter.Topic;
        if (filter.Contains('+', StringComparison.Ordinal) || filter.Contains('#', StringComparison.Ordinal))
        {
            return;
        }

        var kept = _kept.Take(filter);
        foreach (var answer in kept)
        {
            // Routed like any answer: one nobody takes (the subscriber left again) is kept again.
            await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(answer) { SenderClientId = AgentClientId });
        }

        if (kept.Count > 0)
        {
            _metrics.AnswersRedelivered(kept.Count);
        }
    }

    private Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        Interlocked.Increment(ref _connections);
        _metrics.Connected();
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        Interlocked.Decrement(ref _connections);
        _metrics.Disconnected();
        if (e.DisconnectType != MqttClientDisconnectType.Takeover)
        {
            _identities.Disconnected(e.ClientId);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 240, Level = LogLevel.Information, Message = "Intercepted MQTTnet broker listening: {Description}; payments on {Filter}; {Restored} recent answers kept for their terminals")]
    private partial void LogStarted(string description, string filter, int restored);
}
