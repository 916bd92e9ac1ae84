using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Mqtt;
using EdgeAgent.Mqtt.Intercepted;

namespace EdgeAgent.IntegrationTests.InterceptedBroker;

/// <summary>
/// The intercepted broker (MQTTnet's own server, the agent's rules in its events) with third-party clients: mosquitto's
/// command-line clients and MQTT.js, each answered, a subscription to the payments refused, and a payment's PUBACK held
/// until its record while its answer goes out first.
/// </summary>
public sealed class InterceptedBrokerClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TestMeterFactory _meters = new();
    private readonly InMemoryRecentAnswerSource _record = new();
    private readonly EchoSink _echo = new();
    private MetricRecorder _metrics = null!;
    private InterceptedBrokerIngest _ingest = null!;
    private int _port;

    public Task InitializeAsync()
    {
        _echo.Record = _record;
        _metrics = new MetricRecorder(_meters);
        _port = FreePort.Next();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_ingest is not null)
        {
            await _ingest.DisposeAsync();
        }

        _metrics.Dispose();
        _meters.Dispose();
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task MosquittoPubAndSub_GetTheAnswer(string version)
    {
        await StartBrokerAsync(_echo);
        var terminal = "ti-" + version;
        var subscribed = _ingest.Subscriptions;
        var sub = ExternalClients.RunAsync(ExternalClients.MosquittoSub,
            [.. Common(version), "-i", "sub-" + terminal, "-t", $"pos/store-1/{terminal}/decisions", "-q", "1", "-C", "1", "-W", "60"], Timeout);
        await Eventually.TrueAsync(() => _ingest.Subscriptions > subscribed, "the broker saw the subscription");

        var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            [.. Common(version), "-i", "pub-" + terminal, "-q", "1", "-t", $"pos/store-1/{terminal}/payments", "-m", "payment from " + terminal], Timeout);
        var answer = await sub;

        Assert.True(pub.ExitCode == 0, pub.Output);
        Assert.True(answer.ExitCode == 0, answer.Output);
        Assert.StartsWith("{\"answer\":", answer.Output.Trim());
        Assert.Equal("pub-" + terminal, Assert.Single(_echo.Received).SenderId);
    }

    [Theory]
    [InlineData("mqttv311", "#")]
    [InlineData("mqttv5", "pos/+/+/payments")]
    public async Task SubscriptionThatCouldSeePayments_IsRefused(string version, string filter)
    {
        await StartBrokerAsync(_echo);
        var spy = await ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. Common(version), "-i", "spy", "-t", filter], Timeout);

        // mosquitto_sub says so and ends at once, instead of waiting for messages.
        Assert.Contains("All subscription requests were denied", spy.Output, StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Refusals("subscription_payments"));
    }

    [Fact]
    public async Task AgentsOwnClientId_IsRefused()
    {
        await StartBrokerAsync(_echo);
        var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            [.. Common("mqttv5"), "-i", InterceptedBrokerIngest.AgentClientId, "-q", "1", "-t", "pos/store-1/t1/payments", "-m", "forged"], Timeout);

        Assert.NotEqual(0, pub.ExitCode);
        Assert.Empty(_echo.Received);
        Assert.Equal(1, _metrics.Refusals("client_id_reserved"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task MqttJsTerminal_GetsItsAnswerBeforeThePubAck_WhichWaitsForTheRecord(int protocolVersion)
    {
        var gated = new GatedSink(this);
        await StartBrokerAsync(gated);
        var id = "js-gated-" + protocolVersion;
        await using var terminal = await MqttJsTerminal.StartAsync(Config(protocolVersion, id));

        // Answered, not yet recorded: the answer reaches the terminal while its PUBACK is held in the interceptor.
        var message = await terminal.NextAsync("message");
        Assert.Equal($"pos/store-1/{id}/decisions", message.GetProperty("topic").GetString());
        gated.Record();
        var puback = await terminal.NextAsync("puback");

        // Had the PUBACK come before the answer, it would have been skipped while waiting for the answer, and there is no second one.
        Assert.Equal(JsonValueKind.Null, puback.GetProperty("error").ValueKind);
        Assert.Equal(1, gated.Received);
    }

    [Fact]
    public async Task PaymentNeverRecorded_GetsNoPubAck_AndIsSentAgainToTheRestartedBroker()
    {
        var held = new GatedSink(this, answer: false);
        await StartBrokerAsync(held);
        await using var terminal = await MqttJsTerminal.StartAsync(Config(4, "js-held"));
        await Eventually.TrueAsync(() => held.Received == 1, "the payment reached the agent");

        // A crash: no graceful stop, the sessions gone; a new broker on the same port.
        await _ingest.DisposeAsync();
        await StartBrokerAsync(_echo);

        // Sent again at once on reconnection, before MQTT.js subscribes again: its answer is kept until it does.
        await terminal.NextAsync("puback", Timeout);
        var message = await terminal.NextAsync("message", Timeout);
        Assert.Equal("pos/store-1/js-held/decisions", message.GetProperty("topic").GetString());
        Assert.Equal("payment from js-held", Encoding.UTF8.GetString(Assert.Single(_echo.Received).Payload.Span)); // sent again, as it had no PUBACK
    }

    [Fact]
    public async Task Connack_TakesNoRetainOrTopicAlias_AndAPublishWithAnAliasIsRefused()
    {
        await StartBrokerAsync(_echo);
        await using var raw = await RawMqtt.OpenAsync(_port);
        await raw.SendAsync(RawMqtt.Connect(5, "raw-alias", cleanSession: true, keepAlive: 30));
        var connAck = await raw.ReadPacketAsync();
        Assert.Equal(0x20, connAck!.Value.Header);
        var properties = ConnAckProperties(connAck.Value.Body);
        Assert.Equal(0, properties[0x25]); // Retain Available
        Assert.False(properties.ContainsKey(0x22)); // no Topic Alias Maximum: 0, none may be used
        Assert.Equal(65_536, properties[0x27]); // Maximum Packet Size

        // A QoS 1 payment that sets topic alias 1: dropped before MQTTnet stores the alias, the client disconnected.
        byte[] topic = [0, 23, .. "pos/store-1/t1/payments"u8];
        byte[] body = [.. topic, 0, 1, 3, 0x23, 0, 1, .. "payment"u8];
        await raw.SendAsync([0x32, .. RawMqtt.RemainingLength(body.Length), .. body]);

        Assert.True(await raw.ClosedAsync(Timeout));
        Assert.Equal(1, _metrics.Refusals("publish_denied"));
        Assert.Empty(_echo.Received);
    }

    /// <summary>The properties of an MQTT 5 CONNACK body (flags, reason code, properties), numeric ones by identifier.</summary>
    private static Dictionary<byte, long> ConnAckProperties(byte[] body)
    {
        var found = new Dictionary<byte, long>();
        var (length, at) = (0, 2);
        for (var shift = 0; ; shift += 7)
        {
            var b = body[at++];
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        var end = at + length;
        while (at < end)
        {
            var id = body[at++];
            switch (id)
            {
                case 0x24 or 0x25 or 0x28 or 0x29 or 0x2A:
                    found[id] = body[at++];
                    break;
                case 0x13 or 0x21 or 0x22:
                    found[id] = (body[at] << 8) | body[at + 1];
                    at += 2;
                    break;
                case 0x11 or 0x27:
                    found[id] = ((long)body[at] << 24) | ((long)body[at + 1] << 16) | ((long)body[at + 2] << 8) | body[at + 3];
                    at += 4;
                    break;
                case 0x26:
                    at += 2 + ((body[at] << 8) | body[at + 1]);
                    at += 2 + ((body[at] << 8) | body[at + 1]);
                    break;
                default: // strings and binary data: a two-byte length, then the bytes
                    at += 2 + ((body[at] << 8) | body[at + 1]);
                    break;
            }
        }

        return found;
    }

    private async Task StartBrokerAsync(IInboundSink sink)
    {
        var options = new MqttOptions { Broker = LocalBroker.Intercepted, Port = _port };
        _ingest = new InterceptedBrokerIngest(options, "pos", new LoopbackBrokerAccess(options), _record, TimeProvider.System, _meters, new LogRecorder());
        _echo.Publisher = _ingest;
        await _ingest.StartAsync(sink, CancellationToken.None);
    }

    private string[] Common(string version) => ["-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", version];

    private Dictionary<string, object?> Config(int protocolVersion, string id) => new()
    {
        ["url"] = $"mqtt://127.0.0.1:{_port}",
        ["protocolVersion"] = protocolVersion,
        ["clientId"] = id,
        ["clean"] = false,
        ["reconnectPeriod"] = 200,
        ["topic"] = $"pos/store-1/{id}/payments",
        ["payload"] = "payment from " + id,
        ["subscribe"] = $"pos/store-1/{id}/decisions",
        ["subscribeFirst"] = true,
    };

    /// <summary>A pipeline whose record waits for the test: answers at once (unless told not to), acknowledges on <see cref="Record"/>.</summary>
    private sealed class GatedSink(InterceptedBrokerClientTests test, bool answer = true) : IInboundSink
    {
        private readonly TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public void Record() => _recorded.TrySetResult();

        public async ValueTask EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _received);
            if (answer)
            {
                await test._ingest.PublishAsync(EchoSink.AnswerTopicOf(message), message.CorrelationData, "{\"answer\":1}"u8.ToArray(), cancellationToken);
            }

            _ = SettleAsync(message.Settlement);
        }

        private async Task SettleAsync(IMessageSettlement settlement)
        {
            await _recorded.Task;
            await settlement.AcknowledgeAsync(CancellationToken.None);
        }
    }
}
