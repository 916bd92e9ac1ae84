using System.Buffers;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.FaultTests.Support;

/// <summary>
/// A terminal as a store's POS runs one against a broker that may restart: an MQTT 5 persistent session (clean start
/// off, an hour's expiry), a loop that reconnects and subscribes again on every connection whatever the broker says
/// about the session, and payments published at QoS 1 until the broker acknowledges them (a publish cut off by a
/// lost connection is sent again once connected). Every answer goes to the shared <see cref="PaymentLedger"/>.
/// </summary>
internal sealed class StreamTerminal : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Func<int> _brokerEpoch;
    private readonly PaymentLedger _ledger;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connected = new(0);
    private Task _loop = Task.CompletedTask;
    private volatile bool _subscribed;

    private StreamTerminal(int port, string store, string terminal, PaymentLedger ledger, Func<int> brokerEpoch)
    {
        _port = port;
        _ledger = ledger;
        _brokerEpoch = brokerEpoch;
        ClientId = $"{store}-{terminal}";
        Topic = $"pos/{store}/{terminal}/payments";
        ResponseTopic = $"pos/{store}/{terminal}/responses/{ClientId}";
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _ledger.Answered(e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
    }

    public string ClientId { get; }

    public string Topic { get; }

    public string ResponseTopic { get; }

    /// <summary>Connections made, the first included.</summary>
    public int Connections { get; private set; }

    public static async Task<StreamTerminal> ConnectAsync(int port, string store, string terminal, PaymentLedger ledger, Func<int> brokerEpoch)
    {
        var stream = new StreamTerminal(port, store, terminal, ledger, brokerEpoch);
        stream._loop = Task.Run(stream.KeepConnectedAsync);
        await stream.WhenConnectedAsync(TimeSpan.FromSeconds(20));
        return stream;
    }

    /// <summary>Publishes a payment until the broker acknowledges it; the ledger notes in which broker life that was.</summary>
    public async Task PayAsync(string transactionId, byte[] payload, bool resend = false)
    {
        if (resend)
        {
            _ledger.Resent(transactionId);
        }
        else
        {
            _ledger.Sent(transactionId, payload);
        }

        var message = new MqttApplicationMessage
        {
            Topic = Topic,
            Payload = new ReadOnlySequence<byte>(payload),
            ResponseTopic = ResponseTopic,
            CorrelationData = Encoding.UTF8.GetBytes(transactionId),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var epoch = _brokerEpoch();
            try
            {
                if (_client.IsConnected && _subscribed)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    var result = await _client.PublishAsync(message, timeout.Token);
                    if (result.IsSuccess)
                    {
                        _ledger.Acknowledged(transactionId, epoch);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // Cut off with the connection: the broker may or may not have it; sent again, as a terminal does.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{ClientId}: {transactionId} was never acknowledged by the broker");
            }

            await WhenConnectedAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task WhenConnectedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!(_client.IsConnected && _subscribed))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(ClientId + " could not connect");
            }

            await _connected.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task KeepConnectedAsync()
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(10))
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    await _client.ConnectAsync(options, _stop.Token);

                    // Subscribed again on every connection: a broker that lost the session (or restored it without the
                    // subscription) would otherwise route the answers to nobody.
                    await _client.SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ResponseTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), _stop.Token);
                    Connections++;
                    _subscribed = true;
                    _connected.Release(64);
                }

                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException
                or MQTTnet.Adapter.MqttConnectingFailedException)
            {
                await Task.Delay(100);
            }
        }
    }
}
