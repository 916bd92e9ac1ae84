using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Diagnostics.PacketInspection;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>An MQTTnet client for broker tests: connect with any options, publish with any properties, see everything it receives.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly Channel<MqttApplicationMessage> _received = Channel.CreateUnbounded<MqttApplicationMessage>();
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestClient(bool autoAcknowledge)
    {
        Client = new MqttClientFactory().CreateMqttClient();
        Client.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = autoAcknowledge;
            _received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        Client.InspectPacketAsync += e =>
        {
            // A PUBACK (type 4, remaining length 2 or more): its packet identifier follows the two-byte fixed header.
            if (e.Direction == MqttPacketFlowDirection.Inbound && e.Buffer.Length >= 4 && e.Buffer[0] >> 4 == 4)
            {
                PubAcksRead.Enqueue((e.Buffer[2] << 8) | e.Buffer[3]);
            }

            return Task.CompletedTask;
        };
        Client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }

    /// <summary>The packet identifiers of the PUBACKs this client read, in the order they came off the wire.</summary>
    public ConcurrentQueue<int> PubAcksRead { get; } = new();

    public MqttClientConnectResult Connected { get; private set; } = null!;

    /// <summary>Completes when the broker ends a connection that was established.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    public static async Task<TestClient> ConnectAsync(
        int port,
        string? clientId = null,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        Action<MqttClientOptionsBuilder>? configure = null,
        bool autoAcknowledge = true)
    {
        var client = new TestClient(autoAcknowledge);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? "test-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        configure?.Invoke(options);
        client.Connected = await client.Client.ConnectAsync(options.Build());
        return client;
    }

    public Task<MqttClientSubscribeResult> SubscribeAsync(string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos)).Build());

    public Task<MqttClientPublishResult> PublishAsync(
        string topic,
        byte[] payload,
        string? responseTopic = null,
        byte[]? correlation = null,
        bool retain = false,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        List<MqttUserProperty>? userProperties = null,
        string? contentType = null) =>
        Client.PublishAsync(new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            Retain = retain,
            QualityOfServiceLevel = qos,
            UserProperties = userProperties,
            ContentType = contentType,
        });

    public async Task<MqttApplicationMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    /// <summary>What arrived so far, without waiting.</summary>
    public List<MqttApplicationMessage> Drain()
    {
        var all = new List<MqttApplicationMessage>();
        while (_received.Reader.TryRead(out var message))
        {
            all.Add(message);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            try
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (Exception)
            {
                // The broker may be gone already.
            }
        }

        Client.Dispose();
    }
}
