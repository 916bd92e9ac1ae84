using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CsCheck;
using EdgeAgent.Fuzzing;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// The real agent on its embedded broker, sent random payloads with random MQTT 5 properties by a real client, each followed
/// by a good payment: every random message gets one answer or is refused by the broker (and counted), never both and never
/// two answers; no answer holds card digits or goes to a topic with wildcards; and the good payment after it is scored.
/// </summary>
public sealed class RandomMessagesTests : IAsyncLifetime
{
    private const string Topic = "pos/store-1/t1/payments";
    private const string GoodResponseTopic = "pos/store-1/t1/responses/good";

    private static readonly Gen<RandomMessage> Messages = Gen.Select(
            PaymentGen.Payload,
            Gen.OneOf<string?>(null, "pos/store-1/t1/decisions", "pos/store-1/t1/responses/r1", "pos/store-1/t1/responses/#",
                "pos/store-1/t1/responses/+", "pos/store-1/t1/responses/a\0b", "$SYS/x", "pos/store-2/t1/responses/r1",
                "pos/store-1/t1/responses/" + new string('r', 300), "pos/store-1/t1/responses/\ud800", "pos/store-1/t1/payments"),
            Gen.Byte.Array[0, 200],
            Gen.Select(Gen.String[0, 12], Gen.String[0, 40]).Array[0, 20],
            Gen.OneOf<string?>(null, "application/json", "text/plain", "\0"),
            Gen.Int[0, 2],
            Gen.Int[0, 7])
        .Select((payload, responseTopic, correlation, properties, contentType, qos, flags) => new RandomMessage(
            payload, responseTopic, flags % 2 == 0 ? null : correlation, flags < 4 ? [] : properties, contentType,
            (MqttQualityOfServiceLevel)qos, flags == 7));

    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();
    private readonly HttpClient _http = new();
    private InProcessAgent _agent = null!;
    private TestClient _terminal = null!;
    private int _sequence;
    private int _answered;
    private int _unanswered;

    public async Task InitializeAsync()
    {
        _agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu");
        _terminal = await ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _terminal.DisposeAsync();
        _http.Dispose();
        await _agent.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task RandomPayloadsAndProperties_GetOneAnswerOrACountedRefusalEach_AndTheNextPaymentIsScored()
    {
        await Messages.SampleAsync(SendAsync, iter: PropertyRuns.Of(40), threads: 1);

        // Every random message reached the pipeline and was answered, or was refused by the broker, which counts it.
        var good = _sequence;
        Assert.Equal(good + _answered, _agent.Metrics.Received);
        Assert.Equal(_agent.Metrics.Received, _agent.Metrics.Scored + _agent.Metrics.Duplicates + _agent.Metrics.Rejected);
        await Eventually.TrueAsync(async () => await RefusalsAsync() == _unanswered, $"the broker counted {_unanswered} refusals");
    }

    private async Task SendAsync(RandomMessage message)
    {
        var id = Interlocked.Increment(ref _sequence);
        _terminal.Drain();
        var result = await _terminal.PublishAsync(Topic, message.Payload, message.ResponseTopic, message.CorrelationData,
            message.Retain, message.Qos, [.. message.UserProperties.Select(p => new MqttUserProperty(p.Name, Encoding.UTF8.GetBytes(p.Value)))],
            message.ContentType);
        var correlation = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(correlation, id);
        await _terminal.PublishAsync(Topic, Payloads.Payment("good-" + id), GoodResponseTopic, correlation);

        // Answers arrive in the order the agent took the messages in, so whatever comes before the good payment's answer is
        // the random message's.
        var before = new List<MqttApplicationMessage>();
        while (true)
        {
            var next = await _terminal.NextAsync();
            Assert.True(next.Topic.AsSpan().IndexOfAny("+#\0") < 0 && next.Topic.StartsWith("pos/store-1/t1/", StringComparison.Ordinal), next.Topic);
            Assert.False(CardDigits.In(next.Payload.ToArray()), "an answer holds no card digits");
            using var answer = JsonDocument.Parse(next.Payload.ToArray());
            if (next.Topic == GoodResponseTopic && answer.RootElement.GetProperty("transactionId").GetString() == "good-" + id)
            {
                Assert.Equal("scored", answer.RootElement.GetProperty("status").GetString());
                Assert.Equal(correlation, next.CorrelationData);
                break;
            }

            before.Add(next);
        }

        Assert.True(before.Count <= 1, $"{before.Count} answers to one message");
        if (message.Qos != MqttQualityOfServiceLevel.AtMostOnce)
        {
            // At QoS 1 and 2 the broker says whether it took the message: taken means answered, refused means not.
            Assert.Equal(result.IsSuccess ? 1 : 0, before.Count);
        }

        if (before.Count == 1)
        {
            _answered++;
        }
        else
        {
            _unanswered++;
        }
    }

    private async Task<double> RefusalsAsync() =>
        PrometheusText.Value(await _http.GetStringAsync(new Uri(new Uri(_agent.BaseUrl), "/metrics")), "edgeagent_broker_refusals_total") ?? 0;

    private async Task<TestClient> ConnectAsync()
    {
        var terminal = await TestClient.ConnectAsync(_port, "random-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var filter in new[] { "pos/store-1/t1/decisions", "pos/store-1/t1/responses/r1", GoodResponseTopic })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, (await terminal.SubscribeAsync(filter)).Items.Single().ResultCode);
        }
        return terminal;
    }

    private sealed record RandomMessage(
        byte[] Payload,
        string? ResponseTopic,
        byte[]? CorrelationData,
        (string Name, string Value)[] UserProperties,
        string? ContentType,
        MqttQualityOfServiceLevel Qos,
        bool Retain);
}
