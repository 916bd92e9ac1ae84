using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Testing;

/// <summary>A terminal for tests: publishes payments and waits for the agent's answers.</summary>
public sealed class TestTerminal : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>> _pending = new();
    private readonly Channel<(string Topic, byte[] Payload, byte[]? Correlation)> _received = Channel.CreateUnbounded<(string, byte[], byte[]?)>();
    private long _sequence;

    private TestTerminal(string clientId)
    {
        ClientId = clientId;

        // Answers come under each payment's own terminal prefix (the agent refuses response topics elsewhere).
        AnswerTopic = $"pos/+/+/responses/{clientId}";
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            var payload = message.Payload.ToArray();
            _received.Writer.TryWrite((message.Topic, payload, message.CorrelationData));
            if (message.CorrelationData is { Length: 8 } correlation
                && _pending.TryRemove(BinaryPrimitives.ReadInt64BigEndian(correlation), out var waiter))
            {
                waiter.TrySetResult(payload);
            }

            return Task.CompletedTask;
        };
    }

    public string ClientId { get; }

    /// <summary>The filter this terminal receives its answers on: <c>pos/{store}/{terminal}/responses/{clientId}</c>.</summary>
    public string AnswerTopic { get; }

    /// <summary>The response topic for a payment published to <paramref name="paymentTopic"/>: under that terminal's prefix.</summary>
    public string ResponseTopicFor(string paymentTopic)
    {
        var parts = paymentTopic.Split('/');
        return parts is ["pos", var store, var terminal, "payments"] ? $"pos/{store}/{terminal}/responses/{ClientId}" : $"pos/unknown/unknown/responses/{ClientId}";
    }

    public static async Task<TestTerminal> ConnectAsync(int port, string? clientId = null, params string[] extraSubscriptions)
    {
        var terminal = new TestTerminal(clientId ?? "term-" + Guid.NewGuid().ToString("N")[..8]);
        await terminal._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))
            .WithTcpServer(tcp =>
            {
                tcp.BufferSize = 262_144;
            })
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(terminal.ClientId)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build());
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(terminal.AnswerTopic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        foreach (var topic in extraSubscriptions)
        {
            subscribe.WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        await terminal._client.SubscribeAsync(subscribe.Build());
        return terminal;
    }

    /// <summary>Publishes a payment with this terminal's response topic and waits for its answer.</summary>
    public async Task<byte[]> RequestAsync(string topic, byte[] payload, TimeSpan? timeout = null)
    {
        var (answer, _) = await SendAsync(topic, payload);
        return await answer.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Publishes a payment with this terminal's response topic; returns the answer to come and the correlation id.</summary>
    public async Task<(Task<byte[]> Answer, long Correlation)> SendAsync(string topic, byte[] payload)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[sequence] = waiter;
        var correlation = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(correlation, sequence);
        await PublishAsync(topic, payload, ResponseTopicFor(topic), correlation);
        return (waiter.Task, sequence);
    }

    /// <summary>Publishes without waiting for anything but the broker's PUBACK.</summary>
    public Task PublishAsync(string topic, byte[] payload, string? responseTopic = null, byte[]? correlation = null) =>
        _client.PublishAsync(new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        });

    /// <summary>The next message this terminal received on any of its subscriptions.</summary>
    public async Task<(string Topic, byte[] Payload, byte[]? Correlation)> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    /// <summary>Everything received so far, without waiting.</summary>
    public List<(string Topic, byte[] Payload, byte[]? Correlation)> Drain()
    {
        var all = new List<(string, byte[], byte[]?)>();
        while (_received.Reader.TryRead(out var item))
        {
            all.Add(item);
        }

        return all;
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
