using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using EdgeAgent.Cloud.Transport;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>The generic MQTT target against a real mosquitto: the same payloads on the configured topic, methods as request/response.</summary>
public sealed class MqttTargetTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>, IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private readonly IMqttClient _cloud = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<MqttApplicationMessage> _received = new();
    private readonly byte[] _controlKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private string ControlKeyFile
    {
        get
        {
            var path = Path.Combine(_data.Path, "cloud-control.key");
            if (!File.Exists(path))
            {
                File.WriteAllText(path, Convert.ToBase64String(_controlKey));
            }

            return path;
        }
    }

    public async Task InitializeAsync()
    {
        _cloud.ApplicationMessageReceivedAsync += e =>
        {
            _received.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await _cloud.ConnectAsync(new MqttClientOptionsBuilder()
            .WithEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, broker.Port))
            .WithTcpServer(_ => { })
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("cloud-" + _clientId)
            .Build());
        await _cloud.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"stores/{_clientId}/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build());
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisconnectAsync(new MqttClientDisconnectOptions());
        _cloud.Dispose();
        _data.Dispose();
    }

    private string[] Settings() =>
    [
        $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu", "Cloud:Transport=Mqtt", "Cloud:Host=127.0.0.1", $"Cloud:Port={broker.Port}",
        $"Cloud:ClientId={_clientId}", "Cloud:Topic=stores/{clientId}/{type}", "Cloud:MethodsTopic=stores/{clientId}/methods",
        "Cloud:RetryMinDelaySeconds=0.1", "Cloud:UseTls=false", $"Cloud:ControlKeyFile={ControlKeyFile}",
        "Cloud:DesiredTopic=stores/{clientId}/desired", "Cloud:ReportedTopic=stores/{clientId}/reported",
    ];

    [Fact]
    public async Task Records_ArriveOnTheConfiguredTopic_WithTheMessageIdAsAUserProperty()
    {
        var settings = Settings();
        await using var agent = await InProcessAgent.StartAsync(_data.Path, settings);
        await using var terminal = await TestTerminal.ConnectAsync(int.Parse(settings[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));

        await CloudAgent.PayAsync(terminal, "tx", 25);

        await Eventually.TrueAsync(() => Sequences().Count == 25, "all 25 records arrived at the broker", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), Sequences());
        var message = _received.First(m => m.Topic == $"stores/{_clientId}/records");
        Assert.Equal("avro/binary", message.ContentType);
        Assert.DoesNotContain(message.UserProperties, p => p.Name == "content-encoding");
        Assert.Contains(message.UserProperties, p => p.Name == "mid" && System.Text.Encoding.UTF8.GetString(p.ValueBuffer.Span).EndsWith("-records-1-" + Items(message).Last().GetProperty("seq").GetInt64(), StringComparison.Ordinal));
        Assert.Contains(message.UserProperties, p => p.Name == "messageType" && System.Text.Encoding.UTF8.GetString(p.ValueBuffer.Span) == "records");
    }

    [Fact]
    public async Task GetTelemetry_AnswersOnTheResponseTopic()
    {
        var settings = Settings();
        await using var agent = await InProcessAgent.StartAsync(_data.Path, settings);
        await Eventually.TrueAsync(() => agent.Services.GetService(typeof(ICloudStatus)) is ICloudStatus { Connected: true }, "the agent is connected", TimeSpan.FromSeconds(30));

        await _cloud.PublishAsync(Method("GetTelemetry", $"stores/{_clientId}/responses", sign: true));

        await Eventually.TrueAsync(() => _received.Any(m => m.Topic == $"stores/{_clientId}/responses"), "the answer came", TimeSpan.FromSeconds(30));
        var answer = _received.First(m => m.Topic == $"stores/{_clientId}/responses");
        Assert.Equal([1, 2, 3], answer.CorrelationData);
        Assert.Contains(answer.UserProperties, p => p.Name == "status" && System.Text.Encoding.UTF8.GetString(p.ValueBuffer.Span) == "200");
        Assert.True(JsonDocument.Parse(answer.Payload.ToArray()).RootElement.TryGetProperty("latest", out _));
    }

    [Fact]
    public async Task UnsignedMethod_IsAnswered401_AndNotRun()
    {
        var settings = Settings();
        await using var agent = await InProcessAgent.StartAsync(_data.Path, settings);
        await Eventually.TrueAsync(() => agent.Services.GetService(typeof(ICloudStatus)) is ICloudStatus { Connected: true }, "the agent is connected", TimeSpan.FromSeconds(30));

        await _cloud.PublishAsync(Method("GetTelemetry", $"stores/{_clientId}/unsigned", sign: false));

        await Eventually.TrueAsync(() => _received.Any(m => m.Topic == $"stores/{_clientId}/unsigned"), "the refusal came", TimeSpan.FromSeconds(30));
        var answer = _received.First(m => m.Topic == $"stores/{_clientId}/unsigned");
        Assert.Contains(answer.UserProperties, p => p.Name == "status" && System.Text.Encoding.UTF8.GetString(p.ValueBuffer.Span) == "401");
        Assert.False(JsonDocument.Parse(answer.Payload.ToArray()).RootElement.TryGetProperty("latest", out _));
    }

    [Fact]
    public async Task UnsignedDesiredProperties_AreNotApplied_AndTheRefusalIsReported()
    {
        var settings = Settings();
        await using var agent = await InProcessAgent.StartAsync(_data.Path, settings);
        await Eventually.TrueAsync(() => agent.Services.GetService(typeof(ICloudStatus)) is ICloudStatus { Connected: true }, "the agent is connected", TimeSpan.FromSeconds(30));
        var policy = (EdgeAgent.Core.Pipeline.DecisionPolicy)agent.Services.GetService(typeof(EdgeAgent.Core.Pipeline.DecisionPolicy))!;

        await _cloud.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"stores/{_clientId}/desired")
            .WithPayload("""{"decision":{"reviewThreshold":1,"declineThreshold":1},"$version":7}""")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        await Eventually.TrueAsync(
            () => _received.Any(m => m.Topic == $"stores/{_clientId}/reported" && System.Text.Encoding.UTF8.GetString(m.Payload.ToArray()).Contains("unsigned", StringComparison.Ordinal)),
            "the refusal was reported", TimeSpan.FromSeconds(30));
        Assert.Null(policy.ReviewOverride);
    }

    private MqttApplicationMessage Method(string name, string responseTopic, bool sign)
    {
        var topic = $"stores/{_clientId}/methods/{name}";
        byte[] payload = "{}"u8.ToArray();
        byte[] correlation = [1, 2, 3];
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithResponseTopic(responseTopic)
            .WithCorrelationData(correlation)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (sign)
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            builder.WithUserProperty("ts", System.Text.Encoding.UTF8.GetBytes(ts.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .WithUserProperty("sig", System.Text.Encoding.UTF8.GetBytes(ControlMessageSignature.Sign(_controlKey, topic, responseTopic, correlation, ts, payload)));
        }

        return builder.Build();
    }

    private SortedSet<long> Sequences() =>
        new(_received.Where(m => m.Topic.EndsWith("/records", StringComparison.Ordinal)).SelectMany(Items).Select(i => i.GetProperty("seq").GetInt64()));

    private static List<JsonElement> Items(MqttApplicationMessage message) =>
        JsonDocument.Parse(EdgeAgent.Shared.Uplink.UplinkPayload.Open(message.Payload.ToArray())).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
}
