using System.Buffers;
using System.Buffers.Binary;
using EdgeAgent.Shared.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Simulator;

/// <summary>
/// One MQTT connection of the simulator. Every payment carries an MQTT 5 response topic private to this connection, under
/// the payment's own terminal prefix as the agent requires (<c>{root}/{store}/{terminal}/responses/{connection}</c>), and its
/// sequence number as correlation data, so answers are matched without parsing them.
/// </summary>
internal sealed class SimulatedTerminal : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _connection;
    private readonly string _answerFilter;
    private readonly Action<long, ReadOnlySequence<byte>> _onAnswer;

    public SimulatedTerminal(string topicRoot, string connection, Action<long, ReadOnlySequence<byte>> onAnswer)
    {
        _connection = connection;
        _answerFilter = $"{topicRoot}/+/+/responses/{connection}";
        _onAnswer = onAnswer;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var correlation = e.ApplicationMessage.CorrelationData;
            if (correlation is { Length: 8 })
            {
                _onAnswer(BinaryPrimitives.ReadInt64BigEndian(correlation), e.ApplicationMessage.Payload);
            }

            return Task.CompletedTask;
        };
    }

    public async Task ConnectAsync(LoadOptions options, string clientId, CancellationToken cancellationToken)
    {
        var connect = MqttClientSetup.Server(options.Host, options.Port, options.TcpBufferBytes)
            .WithMqtt5(clientId)
            .Build();
        await _client.ConnectAsync(connect, cancellationToken);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_answerFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build(), cancellationToken);
    }

    /// <summary>Publishes a payment at QoS 1; completes when the broker acknowledged it.</summary>
    public Task PublishAsync(string topic, byte[] payload, long sequence, CancellationToken cancellationToken)
    {
        var correlation = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(correlation, sequence);
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            ResponseTopic = string.Concat(topic.AsSpan(0, topic.LastIndexOf('/') + 1), "responses/", _connection),
            CorrelationData = correlation,
            ContentType = "application/json",
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };
        return _client.PublishAsync(message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client.Dispose();
    }
}
