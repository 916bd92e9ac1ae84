using System.Buffers;
using System.Diagnostics;
using System.Net;
using EdgeAgent.Core.Pipeline;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt;

/// <summary>
/// A broker inside the agent, so that a small store needs one container and nothing else. Payments are taken
/// out of the broker as they are published: the broker awaits the interceptor before it sends the terminal its
/// PUBACK, so the PUBACK goes out only once the payment is recorded, and a payment (which may carry a card
/// number) is never routed to any other subscriber. Other topics, answers among them, are routed as usual.
/// </summary>
public sealed partial class EmbeddedBrokerIngest : IIngest
{
    /// <summary>The client id under which the agent's own answers are injected.</summary>
    public const string AgentClientId = "edgeagent-embedded";

    private readonly MqttOptions _options;
    private readonly string _topicRoot;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedBrokerIngest> _logger;
    private readonly MqttServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private IInboundSink? _sink;
    private volatile bool _receiving;
    private int _disposed;

    public EmbeddedBrokerIngest(MqttOptions options, string topicRoot, TimeProvider time, ILogger<EmbeddedBrokerIngest> logger)
    {
        _options = options;
        _topicRoot = topicRoot;
        _time = time;
        _logger = logger;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(options.BindAddress))
            .WithDefaultEndpointPort(options.Port)
            .WithPersistentSessions(true)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
    }

    public string Description => $"embedded broker on {_options.BindAddress}:{_options.Port}";

    public bool IsConnected => _server.IsStarted;

    public async Task StartAsync(IInboundSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        _receiving = true;
        await _server.StartAsync();
        var filter = PaymentTopics.Filter(_topicRoot);
        LogStarted(_options.BindAddress, _options.Port, filter);
    }

    public Task StopReceivingAsync(CancellationToken cancellationToken)
    {
        _receiving = false;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _receiving = false;
        await _stopping.CancelAsync();
        await _server.StopAsync(new MqttServerStopOptions());
    }

    public Task PublishAsync(string topic, byte[]? correlationData, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = AnswerMessages.Create(topic, correlationData, payload, _options.AnswerQos);
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

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(_options.Username))
        {
            return Task.CompletedTask;
        }

        if (e.UserName != _options.Username || e.Password != _options.Password)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        }

        return Task.CompletedTask;
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var received = Stopwatch.GetTimestamp();
        var message = e.ApplicationMessage;
        if (e.ClientId == AgentClientId || !PaymentTopics.IsPaymentTopic(message.Topic, _topicRoot))
        {
            return;
        }

        e.ProcessPublish = false;
        if (!_receiving || _sink is null)
        {
            e.CloseConnection = true; // no PUBACK: the terminal sends it again once the agent is back
            return;
        }

        var settlement = new Settlement();
        var inbound = new InboundMessage
        {
            Topic = message.Topic,
            Payload = message.Payload.ToArray(),
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData,
            ReceivedTimestamp = received,
            ReceivedAt = _time.GetUtcNow(),
            Settlement = settlement,
        };

        try
        {
            await _sink.EnqueueAsync(inbound, _stopping.Token);
            if (!await settlement.Recorded.WaitAsync(_stopping.Token))
            {
                e.CloseConnection = true;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            e.CloseConnection = true;
        }
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Embedded broker listening on {Address}:{Port}; payments on {Filter}")]
    private partial void LogStarted(string address, int port, string filter);

    /// <summary>Completes with true when the payment is recorded (release the PUBACK), false when it was abandoned.</summary>
    private sealed class Settlement : IMessageSettlement
    {
        private readonly TaskCompletionSource<bool> _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> Recorded => _recorded.Task;

        public ValueTask AcknowledgeAsync(CancellationToken cancellationToken)
        {
            _recorded.TrySetResult(true);
            return ValueTask.CompletedTask;
        }

        public void Abandon() => _recorded.TrySetResult(false);
    }
}
