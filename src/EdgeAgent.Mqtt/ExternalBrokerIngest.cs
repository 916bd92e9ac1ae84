using System.Buffers;
using System.Diagnostics;
using EdgeAgent.Core;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt;

/// <summary>
/// Receives payments from an external broker (mosquitto, EMQX, ...) through a shared subscription, with a
/// persistent session and manual acknowledgement: the broker keeps every payment until the agent has recorded
/// it, including while the agent is down. Reconnection runs from one loop with backoff, never from the
/// disconnect handler.
/// </summary>
public sealed partial class ExternalBrokerIngest : IIngest
{
    private readonly MqttOptions _options;
    private readonly string _topicRoot;
    private readonly TimeProvider _time;
    private readonly ILogger<ExternalBrokerIngest> _logger;
    private readonly IMqttClient _client;
    private readonly bool _brokerOnLoopback;
    private SemaphoreSlim _inFlightAnswers;
    private readonly SemaphoreSlim _disconnected = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private IInboundSink? _sink;
    private Task? _connectionLoop;
    private volatile bool _receiving;
    private int _disposed;
    private long _connection;

    public ExternalBrokerIngest(MqttOptions options, string topicRoot, TimeProvider time, ILogger<ExternalBrokerIngest> logger)
    {
        _options = options;
        _topicRoot = topicRoot;
        _time = time;
        _logger = logger;
        // The terminal's hop to the broker is out of sight: only a broker on this machine counts as loopback
        // (Validation:ClearPan). Judged once: the host does not change, and parsing it cost an address object a payment.
        _brokerOnLoopback = Security.BrokerExposure.IsLoopback(options.Host);
        _inFlightAnswers = new SemaphoreSlim(20);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public string Description => $"broker {_options.Host}:{_options.Port} as {_options.EffectiveClientId}, {PaymentTopics.Subscription(_topicRoot, _options.SharedGroup)}";

    public bool IsConnected => _client.IsConnected;

    /// <summary>Times the agent has connected (a new connection invalidates acknowledgements of the old one).</summary>
    public long Connections => Interlocked.Read(ref _connection);

    public async Task StartAsync(IInboundSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        _receiving = true;

        // One attempt before start-up completes, so that "ready" means subscribed; when the broker is not there
        // yet the agent starts anyway and the loop keeps trying.
        try
        {
            await ConnectAndSubscribeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogConnectFailed(_options.Host!, _options.Port, _options.ReconnectMinDelaySeconds, ex.Message);
        }

        _connectionLoop = Task.Run(() => KeepConnectedAsync(_stopping.Token), CancellationToken.None);
    }

    public Task StopReceivingAsync(CancellationToken cancellationToken)
    {
        // Messages that arrive from now on are neither queued nor acknowledged: the broker redelivers them to
        // this session after a restart, or to another member of the shared group.
        _receiving = false;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _receiving = false;
        await _stopping.CancelAsync();
        if (_connectionLoop is not null)
        {
            await _connectionLoop;
        }

        if (_client.IsConnected)
        {
            try
            {
                // A normal disconnect keeps the session (its expiry is non-zero), so queued payments wait for us.
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
            }
            catch (MqttCommunicationException)
            {
                // The connection went away as we stopped: the broker keeps the session all the same.
            }
        }
    }

    public async Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = AnswerMessages.Create(topic, correlationData, payload, _options.AnswerQos);

        // Bounded so that a burst of answers never exceeds what the broker accepts in flight (its Receive
        // Maximum): a broker may close the connection of a client that sends more.
        var inFlight = _inFlightAnswers;
        await inFlight.WaitAsync(cancellationToken);
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"The broker refused the answer: {result.ReasonCode} {result.ReasonString}");
            }
        }
        finally
        {
            inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _client.Dispose();
        _stopping.Dispose();
        _inFlightAnswers.Dispose();
        _disconnected.Dispose();
    }

    private async Task KeepConnectedAsync(CancellationToken cancellationToken)
    {
        // Jittered: the agents of one shared subscription group lose a restarted broker together, and should not all
        // come back in the same instant.
        var backoff = new Backoff(TimeSpan.FromSeconds(_options.ReconnectMinDelaySeconds), TimeSpan.FromSeconds(_options.ReconnectMaxDelaySeconds));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectAndSubscribeAsync(cancellationToken);
                    backoff.Reset();
                }

                // Wake on a disconnect, or check again after a keep-alive period in case one was missed.
                await _disconnected.WaitAsync(TimeSpan.FromSeconds(_options.KeepAliveSeconds), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = backoff.Next();
                LogConnectFailed(_options.Host!, _options.Port, delay.TotalSeconds, ex.Message);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connection);
        var result = await _client.ConnectAsync(BrokerClientOptions.Build(_options), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"connect refused: {result.ResultCode} {result.ReasonString}");
        }

        var brokerLimit = result.ReceiveMaximum is > 0 and { } announced ? announced : ushort.MaxValue;
        _inFlightAnswers = new SemaphoreSlim(_options.MaxInFlightAnswers > 0 ? Math.Min(_options.MaxInFlightAnswers, brokerLimit) : brokerLimit);

        // Subscribing again on a resumed session is harmless, and covers a broker that lost the session.
        var filter = PaymentTopics.Subscription(_topicRoot, _options.SharedGroup);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var subscribed = await _client.SubscribeAsync(subscribe, cancellationToken);
        var code = subscribed.Items.First().ResultCode;
        if ((int)code > 2)
        {
            throw new InvalidOperationException($"subscription to {filter} refused: {code}");
        }

        LogConnected(_options.Host!, _options.Port, filter, result.IsSessionPresent, result.SharedSubscriptionAvailable);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (!_stopping.IsCancellationRequested)
        {
            LogDisconnected(e.Reason.ToString());
            _disconnected.Release();
        }

        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var received = _time.GetTimestamp();
        e.AutoAcknowledge = false;
        if (!_receiving || _sink is null)
        {
            return;
        }

        var inbound = Inbound(e.ApplicationMessage, received, new Settlement(this, e, Interlocked.Read(ref _connection)));
        try
        {
            await _sink.EnqueueAsync(inbound, _stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // Stopping: not acknowledged, so the broker delivers it again.
        }
    }

    private InboundMessage Inbound(MqttApplicationMessage message, long received, IMessageSettlement settlement) =>
        InboundMapping.From(message, _options.MaxPacketBytes, senderId: null, _brokerOnLoopback, received, _time.GetUtcNow(), settlement);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Connected to {Host}:{Port}, subscribed to {Filter} (session resumed: {SessionPresent}, shared subscriptions: {Shared})")]
    private partial void LogConnected(string host, int port, string filter, bool sessionPresent, bool shared);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Cannot connect to {Host}:{Port}; retrying in {DelaySeconds} s: {Reason}")]
    private partial void LogConnectFailed(string host, int port, double delaySeconds, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Disconnected from the broker ({Reason}); reconnecting")]
    private partial void LogDisconnected(string reason);

    /// <summary>
    /// Acknowledges on the connection the message came on. After a reconnect the broker redelivers whatever
    /// was not acknowledged, under packet ids that the old acknowledgement could now mistake, so an
    /// acknowledgement from an older connection is dropped and the redelivered copy is acknowledged instead.
    /// </summary>
    private sealed class Settlement(ExternalBrokerIngest ingest, MqttApplicationMessageReceivedEventArgs args, long connection) : IMessageSettlement
    {
        public async ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
        {
            if (connection == Interlocked.Read(ref ingest._connection) && ingest._client.IsConnected)
            {
                await args.AcknowledgeAsync(cancellationToken);
            }
        }

        public void Abandon()
        {
        }
    }
}
