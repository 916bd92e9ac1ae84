using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// A broker inside the agent, so that a small store needs one container and nothing else: MQTTnet's server, with the
/// agent's rules in its documented events, behind the agent's own front door (<see cref="BrokerListener"/>: admission,
/// TLS, packet size, CONNECT terms, client id handover). Payments are taken out of the broker in the publish interceptor
/// (<see cref="PublishGate"/>), which returns, and so lets MQTTnet queue the PUBACK, only once the payment is recorded
/// and its answer written to the terminal. The answer to a payment is owed to its payer until acknowledged
/// (<see cref="OwedAnswers"/>); an answer without a payer that nobody took is kept for the next exact subscription
/// (<see cref="KeptAnswers"/>). A terminal may so receive an answer twice, with the same bytes, which QoS 1 allows.
/// </summary>
public sealed partial class EmbeddedBrokerIngest : IIngest
{
    /// <summary>The client id under which the agent's own answers are injected; no client may connect with it.</summary>
    public const string AgentClientId = "edgeagent-embedded";

    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SessionSweepInterval = TimeSpan.FromSeconds(10);

    private readonly string _topicRoot;
    private readonly BrokerContext _context;
    private readonly IRecentAnswerSource _recentAnswers;
    private readonly IReadOnlyList<BrokerEndpoint> _configured;
    private readonly BrokerListener _listener;
    private readonly MqttServer _server;
    private readonly PublishGate _publishes;
    private readonly ConcurrentDictionary<MqttApplicationMessage, OwedAnswer> _routing = new(ReferenceEqualityComparer.Instance);
    private readonly SessionSweeper _sessions;
    private readonly SessionMessageBound _kept;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly MqttQualityOfServiceLevel _answerQos;
    private Task _maintenance = Task.CompletedTask;
    private long _subscriptions;
    private long _maintenancePasses;
    private int _disposed;

    public EmbeddedBrokerIngest(
        MqttOptions options,
        string topicRoot,
        IBrokerAccess access,
        IRecentAnswerSource recentAnswers,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILoggerFactory loggerFactory,
        IReadOnlyList<BrokerEndpoint>? endpoints = null,
        IOwedAnswerStore? owedAnswers = null)
    {
        _topicRoot = topicRoot;
        _recentAnswers = recentAnswers;
        _logger = loggerFactory.CreateLogger<EmbeddedBrokerIngest>();
        _answerQos = options.AnswerQos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        var limits = BrokerLimits.From(options);
        _context = new BrokerContext(topicRoot, limits, time, new BrokerMetrics(meterFactory), _logger);
        _context.Owed = new OwedAnswers(owedAnswers ?? new InMemoryOwedAnswers(), _context, _answerQos);
        _configured = endpoints ?? [new BrokerEndpoint(new IPEndPoint(IPAddress.Parse(options.BindAddress), options.Port))];
        _listener = new BrokerListener(_configured, _context);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithPersistentSessions(true)
            .WithDefaultCommunicationTimeout(limits.ConnectTimeout + TimeSpan.FromSeconds(1))
            .WithMaxPendingMessagesPerClient(limits.MaxKeptMessagesPerSession)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [_listener]);
        _publishes = new PublishGate(topicRoot, access, _context, _stopping.Token);
        _sessions = new SessionSweeper(_context);
        _kept = new SessionMessageBound(_context);
        _kept.Attach(_server);
        var subscriptions = new SubscriptionGate(access, new PaymentTopicFilters(topicRoot), _context);
        _server.ValidatingConnectionAsync += new ConnectionGate(access, _context).OnValidatingAsync;
        _server.InterceptingPublishAsync += _publishes.OnPublishAsync;
        _server.InterceptingSubscriptionAsync += subscriptions.OnSubscribingAsync;
        _server.ClientUnsubscribedTopicAsync += subscriptions.OnUnsubscribedAsync;
        _server.ApplicationMessageEnqueuedOrDroppedAsync += OnEnqueuedAsync;
        _server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        _server.ClientAcknowledgedPublishPacketAsync += OnAcknowledgedAsync;
        _server.SessionDeletedAsync += OnSessionDeletedAsync;
        _server.ApplicationMessageNotConsumedAsync += OnNotConsumedAsync;
        _server.QueuedApplicationMessageOverwrittenAsync += OnQueueOverwrittenAsync;
    }

    public string Description => "embedded broker on " + string.Join(", ", Endpoints.Count > 0 ? Endpoints : _configured);

    public bool IsConnected => _server.IsStarted;

    /// <summary>The listeners as bound (with the ports the system chose for port 0); empty before start.</summary>
    public IReadOnlyList<BrokerEndpoint> Endpoints => _listener.BoundEndpoints;

    /// <summary>Answers without a payer kept for a terminal that has not subscribed for them yet.</summary>
    public int UndeliveredAnswers => _context.Kept.Count;

    /// <summary>Answers to payments owed to their terminals (not acknowledged yet).</summary>
    public int OwedAnswers => _context.Owed!.Count;

    /// <summary>Subscriptions made so far (for tests, which wait for a subscription instead of sleeping).</summary>
    internal long Subscriptions => Interlocked.Read(ref _subscriptions);

    internal MqttServer Server => _server;

    /// <summary>Passes of the maintenance loop (keep-alives, expiries) so far (for tests that move time and wait for a pass).</summary>
    internal long MaintenancePasses => Interlocked.Read(ref _maintenancePasses);

    /// <summary>QoS 1 messages the session of <paramref name="clientId"/> holds unacknowledged (0 when it has none).</summary>
    internal async Task<int> KeptMessagesAsync(string clientId)
    {
        try
        {
            return SessionMessageBound.Unacknowledged(await _server.GetSessionAsync(clientId));
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    public async Task StartAsync(IInboundSink sink, CancellationToken cancellationToken)
    {
        // Before the first connection: a terminal that subscribes at once must find the answers it is owed. Where they are
        // kept durably, they are all there is to offer; else the recent answers of the record stand in for them.
        var owed = _context.Owed!;
        var restored = owed.Restore();
        if (!owed.IsDurable)
        {
            var since = _context.Time.GetUtcNow() - _context.Limits.AnswerRetention;
            foreach (var answer in _recentAnswers.AnswersSince(since, _context.Limits.AnswerRetentionCount))
            {
                if (AnswerTopics.IsValid(answer.Topic))
                {
                    _context.Kept.Keep(Answer(answer.Topic, answer.CorrelationData, answer.Payload.ToArray(), _answerQos), answer.AnsweredAt);
                    restored++;
                }
            }
        }

        _publishes.StartReceiving(sink);
        await _server.StartAsync();
        _maintenance = MaintainAsync(_stopping.Token);
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
        await _maintenance;
    }

    /// <summary>An answer without a payer: routed to whoever is subscribed, and kept for the next exact subscription if nobody was.</summary>
    public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!AnswerTopics.IsValid(topic))
        {
            // MQTTnet would throw; a topic no message can have is the sender's doing and must not stop the agent.
            _context.Refusals.Report(RefusalReason.AnswerTopicInvalid, null);
            return Task.CompletedTask;
        }

        return Inject(Answer(topic, correlationData, payload, _answerQos), cancellationToken);
    }

    /// <summary>
    /// The answer to a payment taken by this broker is owed to the client that sent it: kept until that client acknowledges
    /// it. The task completes once it is kept durably; the payment's PUBACK also waits, in its interceptor, until it is
    /// written to that client's connection (<see cref="PublishGate"/>): the terminal has its answer before its PUBACK.
    /// </summary>
    public Task PublishAsync(InboundMessage payment, string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payment.Settlement is not PaymentSettlement { Payer: var payer })
        {
            return PublishAsync(topic, correlationData, payload, cancellationToken);
        }

        if (!AnswerTopics.IsValid(topic))
        {
            _context.Refusals.Report(RefusalReason.AnswerTopicInvalid, null);
            return Task.CompletedTask;
        }

        var (answer, durable) = _context.Owed!.Owe(payer, topic, correlationData, payload, _context.Time.GetUtcNow());
        ((PaymentSettlement)payment.Settlement).Answer = answer;
        return AnswerAsync(answer, durable, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _server.Dispose();
        await _maintenance;
        _stopping.Dispose();
        _context.ConnectRate.Dispose();
        _context.PasswordChecks.Dispose();
    }

    /// <summary>Completes once the answer is routed and kept durably; its write is awaited by its payment's interceptor.</summary>
    private async Task AnswerAsync(OwedAnswer answer, Task durable, CancellationToken cancellationToken)
    {
        // While it is routed, MQTTnet's events see the message object: queued to its payer, or taken by nobody (still owed).
        answer.Publishing = true;
        _routing[answer.Message] = answer;
        try
        {
            await Inject(answer.Message, cancellationToken);
        }
        finally
        {
            _routing.TryRemove(answer.Message, out _);
        }

        await durable;
    }

    private Task Inject(MqttApplicationMessage message, CancellationToken cancellationToken) =>
        _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = AgentClientId }, cancellationToken);

    private static MqttApplicationMessage Answer(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        CorrelationData = correlationData,
        ContentType = "application/json",
        QualityOfServiceLevel = qos,
    };

    /// <summary>The same message for one subscription, at the lower of its QoS and the subscription's.</summary>
    private static MqttApplicationMessage ForSubscription(MqttApplicationMessage message, MqttQualityOfServiceLevel granted) =>
        Answer(message.Topic, message.CorrelationData, message.Payload.ToArray(), granted < message.QualityOfServiceLevel ? granted : message.QualityOfServiceLevel);

    private async Task OnEnqueuedAsync(ApplicationMessageEnqueuedEventArgs e)
    {
        if (!e.IsDropped && _routing.TryGetValue(e.ApplicationMessage, out var answer) && string.Equals(answer.Payer, e.ReceiverClientId, StringComparison.Ordinal))
        {
            answer.QueuedForPayer = true; // its PUBACK waits until it is written to that connection
        }

        await _kept.OnEnqueuedAsync(e);
    }

    /// <summary>No session was subscribed: an answer without a payer is kept for the next exact subscription to its topic.</summary>
    private Task OnNotConsumedAsync(ApplicationMessageNotConsumedEventArgs e)
    {
        if (string.Equals(e.SenderId, AgentClientId, StringComparison.Ordinal) && !_routing.ContainsKey(e.ApplicationMessage))
        {
            // A copy: the pipeline's answer buffer is not held for as long as an answer may be kept.
            var answer = e.ApplicationMessage;
            _context.Kept.Keep(Answer(answer.Topic, answer.CorrelationData, answer.Payload.ToArray(), _answerQos), _context.Time.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    private Task OnAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        _context.Owed!.Acknowledged(e.ClientId, e.PublishPacket);
        return Task.CompletedTask;
    }

    private Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        _context.SessionEnded(e.Id, replaced: false);
        return Task.CompletedTask;
    }

    private Task OnQueueOverwrittenAsync(QueueMessageOverwrittenEventArgs e)
    {
        if (e.Packet is MqttPublishPacket { QualityOfServiceLevel: MqttQualityOfServiceLevel.AtMostOnce })
        {
            // A QoS 1 packet dropped from the queue is still held for its PUBACK: SessionMessageBound counts it when it goes.
            _context.Refusals.Report(RefusalReason.SessionMessageLimit, null);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet added a subscription: its quota place is kept; the answers its client is owed on topics the filter matches go
    /// to its session (and only there), and, for an exact filter, the answers without a payer kept for that topic. A
    /// wildcard subscription (a dashboard) receives new answers, never the kept ones.
    /// </summary>
    private async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        _context.Subscriptions.Confirm(e.ClientId, filter);
        var owed = _context.Owed!.For(e.ClientId, filter);
        var kept = filter.AsSpan().IndexOfAny('+', '#') < 0 ? _context.Kept.Take(filter) : [];
        if (owed.Count + kept.Count > 0)
        {
            await DeliverAsync(e, owed, kept);
        }

        Interlocked.Increment(ref _subscriptions);
    }

    private async Task DeliverAsync(ClientSubscribedTopicEventArgs e, List<OwedAnswer> owed, List<MqttApplicationMessage> kept)
    {
        MqttSessionStatus session;
        try
        {
            session = await _server.GetSessionAsync(e.ClientId);
        }
        catch (InvalidOperationException)
        {
            // The session went away meanwhile: owed answers stay owed; kept ones are kept again.
            foreach (var answer in kept)
            {
                _context.Kept.Keep(answer, _context.Time.GetUtcNow());
            }

            return;
        }

        var granted = e.TopicFilter.QualityOfServiceLevel;
        var delivered = 0;
        foreach (var answer in owed)
        {
            delivered += session.TryEnqueueApplicationMessage(answer.ForSubscription(granted), out _) ? 1 : 0;
        }

        foreach (var answer in kept)
        {
            delivered += session.TryEnqueueApplicationMessage(ForSubscription(answer, granted), out _) ? 1 : 0;
        }

        SessionMessageBound.Trim(_context, session); // queued straight to the session, past the event that bounds it
        _context.Metrics.AnswersRedelivered(delivered);
    }

    private async Task MaintainAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(MaintenanceInterval, _context.Time);
        var lastSweep = _context.Time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    foreach (var connection in _context.Connections.All)
                    {
                        connection.EndIfSilent();
                    }

                    _context.Kept.Expire();
                    _context.Owed!.Expire();
                    var now = _context.Time.GetUtcNow();
                    if (now - lastSweep >= SessionSweepInterval)
                    {
                        lastSweep = now;
                        await _sessions.SweepAsync(_server);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogMaintenanceFailed(ex);
                }

                Interlocked.Increment(ref _maintenancePasses);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Embedded broker listening: {Description}; payments on {Filter}; {Restored} recent answers kept for their terminals")]
    private partial void LogStarted(string description, string filter, int restored);

    [LoggerMessage(EventId = 211, Level = LogLevel.Warning, Message = "Embedded broker maintenance failed; it runs again in a second")]
    private partial void LogMaintenanceFailed(Exception exception);
}
