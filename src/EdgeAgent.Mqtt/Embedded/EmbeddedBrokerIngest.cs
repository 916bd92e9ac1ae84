using System.Diagnostics.Metrics;
using System.Net;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// A broker inside the agent, so that a small store needs one container and nothing else (MQTTnet's server behind
/// the agent's own listener, <see cref="BrokerListener"/>). Payments are taken out of the broker as they are published
/// and the terminal's PUBACK waits for their record (<see cref="PublishGate"/>); answers are injected, and an answer no
/// one was listening for is kept until its terminal subscribes (<see cref="AnswerRedelivery"/>), including, after a
/// restart, the recent answers the record gives back (<see cref="IRecentAnswerSource"/>). A terminal may so receive an
/// answer twice, with the same bytes, which QoS 1 allows.
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
    private readonly AnswerRedelivery _redelivery;
    private readonly SessionSweeper _sessions;
    private readonly SessionMessageBound _kept;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly MqttQualityOfServiceLevel _answerQos;
    private Task _maintenance = Task.CompletedTask;
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
        _redelivery = new AnswerRedelivery(_context);
        _redelivery.Attach(_server);
        _sessions = new SessionSweeper(_context);
        _kept = new SessionMessageBound(_context);
        _kept.Attach(_server);
        var subscriptions = new SubscriptionGate(access, new PaymentTopicFilters(topicRoot), _context);
        _server.ValidatingConnectionAsync += new ConnectionGate(access, _context).OnValidatingAsync;
        _server.InterceptingPublishAsync += _publishes.OnPublishAsync;
        _server.InterceptingSubscriptionAsync += subscriptions.OnSubscribingAsync;
        _server.ClientUnsubscribedTopicAsync += subscriptions.OnUnsubscribedAsync;
        _server.ApplicationMessageEnqueuedOrDroppedAsync += _kept.OnEnqueuedAsync;
        _server.ClientSubscribedTopicAsync += _redelivery.OnSubscribedAsync;
        _server.ClientUnsubscribedTopicAsync += _redelivery.OnUnsubscribedAsync;
        _server.SessionDeletedAsync += _redelivery.OnSessionDeletedAsync;
        _server.ApplicationMessageNotConsumedAsync += _redelivery.OnNotConsumedAsync;
        _server.QueuedApplicationMessageOverwrittenAsync += _redelivery.OnQueueOverwrittenAsync;
    }

    public string Description => "embedded broker on " + string.Join(", ", Endpoints.Count > 0 ? Endpoints : _configured);

    public bool IsConnected => _server.IsStarted;

    /// <summary>The listeners as bound (with the ports the system chose for port 0); empty before start.</summary>
    public IReadOnlyList<BrokerEndpoint> Endpoints => _listener.BoundEndpoints;

    /// <summary>Answers kept for a terminal that has not subscribed for them yet.</summary>
    public int UndeliveredAnswers => _context.Undelivered.Count;

    /// <summary>Subscriptions made so far (for tests, which wait for a subscription instead of sleeping).</summary>
    internal long Subscriptions => _redelivery.Subscriptions;

    internal MqttServer Server => _server;

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
            restored += _redelivery.Restore(_recentAnswers.AnswersSince(since, _context.Limits.AnswerRetentionCount)
                .Where(a => AnswerTopics.IsValid(a.Topic))
                .Select(a => new TrackedAnswer(a.Topic, a.CorrelationData, a.Payload, _answerQos, a.AnsweredAt)));
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

    public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(topic, correlationData, payload, payer: null, cancellationToken);

    /// <summary>
    /// The answer to a payment taken by this broker is owed to the client that sent it: kept until that client acknowledges
    /// it, and the task (which the payment's PUBACK waits for) completes once it is kept durably and, when it was queued to
    /// that client's connection, written there: the terminal has its answer before its PUBACK.
    /// </summary>
    public Task PublishAsync(InboundMessage payment, string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(topic, correlationData, payload, (payment.Settlement as HeldPubAck)?.Payer, cancellationToken);

    private Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, string? payer, CancellationToken cancellationToken)
    {
        if (!AnswerTopics.IsValid(topic))
        {
            // MQTTnet would throw; a topic no message can have is the sender's doing and must not stop the agent.
            _context.Refusals.Report(RefusalReason.AnswerTopicInvalid, null);
            return Task.CompletedTask;
        }

        var answer = new TrackedAnswer(topic, correlationData, payload, _answerQos, _context.Time.GetUtcNow(), payer);
        var durable = payer is null ? null : _context.Owed!.Owe(answer);
        var owned = _redelivery.Publishing(answer); // before routing: a subscription made while it is routed must be seen
        var inject = _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(answer.Message) { SenderClientId = AgentClientId }, cancellationToken);
        if (durable is not null)
        {
            return AnswerFirstAsync(inject, durable, answer);
        }

        return owned ? inject : KeepAsync(inject, answer);
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

    /// <summary>Completes once the answer is kept durably and, if it was queued to its payer's connection, written there.</summary>
    private async Task AnswerFirstAsync(Task inject, Task durable, TrackedAnswer answer)
    {
        await inject;
        if (answer.QueuedForPayer && _context.Connections.Of(answer.Payer!) is not null)
        {
            // Bounded: a connection that does not read must not hold up the PUBACKs of every payment recorded with this one.
            // Past the wait the PUBACK goes first; the answer stays owed and is offered again when the terminal resubscribes.
            try
            {
                await answer.Written.WaitAsync(_context.Limits.AnswerWriteWait, _context.Time);
            }
            catch (TimeoutException)
            {
                _context.Refusals.Report(RefusalReason.AnswerWriteWait, null);
            }
        }

        await durable;
    }

    /// <summary>No client owns the answer's topic (its terminal has not subscribed yet, or is gone): it is kept for when it does.</summary>
    private async Task KeepAsync(Task inject, TrackedAnswer answer)
    {
        await inject;
        await _redelivery.KeepAsync(answer);
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
                    _context.Undelivered.Expire();
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
