using System.Text.RegularExpressions;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// What one connected client can make the broker keep is bounded: no topic aliases, a bounded number of messages per
/// session (offline ones included), a bounded number of subscriptions per session. Each refusal is one a real client
/// reads (DISCONNECT or SUBACK reason code) and is counted.
/// </summary>
public sealed partial class MemoryBoundTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // MQTT.js will not send an alias the server did not grant; a hostile client writes the packet itself on the same connection.
    private const string AliasScript = """
        const mqtt = require('mqtt');
        const mqttPacket = require('mqtt-packet');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
        const client = mqtt.connect(cfg.url, { protocolVersion: 5, clientId: cfg.clientId, reconnectPeriod: 0 });
        client.on('connect', (connack) => {
          say('connect', { topicAliasMaximum: (connack.properties && connack.properties.topicAliasMaximum) || 0 });
          const publish = { cmd: 'publish', topic: cfg.topic, payload: cfg.payload, qos: 1, messageId: 1, properties: { topicAlias: 1 } };
          client.stream.write(mqttPacket.generate(publish, { protocolVersion: 5 }));
        });
        client.on('disconnect', (packet) => say('disconnect', { reasonCode: packet.reasonCode }));
        client.on('close', () => say('close', {}));
        client.on('error', (err) => say('error', { error: String(err) }));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    private const string SubscribeScript = """
        const mqtt = require('mqtt');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
        const client = mqtt.connect(cfg.url, { protocolVersion: cfg.protocolVersion, clientId: cfg.clientId, reconnectPeriod: 0 });
        client.on('packetreceive', (packet) => { if (packet.cmd === 'suback') say('suback', { granted: packet.granted }); });
        client.on('connect', () => {
          client.subscribe(cfg.first, { qos: 1 }, () => client.subscribe(cfg.second, { qos: 1 }, () => {}));
        });
        client.on('error', (err) => say('error', { error: String(err) }));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    [Fact]
    public async Task PublishWithATopicAlias_GetsDisconnect0x94_AndNeverReachesTheBroker()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await MqttJsTerminal.StartScriptAsync(AliasScript, new
        {
            url = $"mqtt://127.0.0.1:{broker.Port}",
            clientId = "alias-1",
            topic = Payloads.Topic(),
            payload = System.Text.Encoding.UTF8.GetString(Payloads.Payment("tx-alias")),
        });

        Assert.Equal(0, (await client.NextAsync("connect")).GetProperty("topicAliasMaximum").GetInt32());
        Assert.Equal(0x94, (await client.NextAsync("disconnect")).GetProperty("reasonCode").GetInt32());
        await client.NextAsync("close");

        Assert.Equal(1, broker.Metrics.Refusals("topic_alias"));
        Assert.Empty(broker.Sink.Received); // refused before MQTTnet saw it: neither its alias nor the payment went further
    }

    [Fact]
    public async Task OfflinePersistentDashboard_KeepsOnlyTheNewestMessages_UpToTheBound()
    {
        const int bound = 20;
        const int payments = 60;
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxKeptMessagesPerSession = bound);
        string[] dashboard = ["-h", "127.0.0.1", "-p", broker.Port.ToString(), "-i", "ops-dash", "-c", "-q", "1", "-t", "pos/+/+/decisions"];
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "store-1/t1");

        // The operator's dashboard subscribes on a persistent session, sees one answer, then goes away without a word.
        using (var live = ExternalClients.Start(ExternalClients.MosquittoSub, dashboard))
        {
            await Eventually.TrueAsync(async () => (await broker.Ingest.Server.GetClientsAsync()).Any(c => c.Id == "ops-dash"), "the dashboard connected", Patience);
            var seen = ReadLineAsync(live);
            await Eventually.TrueAsync(async () =>
            {
                await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-probe-" + Guid.NewGuid().ToString("N")[..6]));
                return seen.IsCompleted;
            }, "the dashboard received an answer", Patience);
            live.Kill();
            await live.WaitForExitAsync();
        }

        await Eventually.TrueAsync(async () => (await broker.Ingest.Server.GetSessionAsync("ops-dash")).DisconnectedTimestamp is not null, "the dashboard is offline", Patience);
        var answeredBefore = broker.Sink.Received.Count;
        var droppedBefore = broker.Metrics.Refusals("session_message_limit");
        var keptBefore = await broker.Ingest.KeptMessagesAsync("ops-dash"); // probes it had not acknowledged when it went
        for (var i = 0; i < payments; i++)
        {
            Assert.True((await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment($"tx-{i}"))).IsSuccess);
        }

        // Every answer went to the offline session; it keeps the bound and drops (and counts) the rest.
        await Eventually.TrueAsync(
            () => broker.Metrics.Refusals("session_message_limit") - droppedBefore == keptBefore + payments - bound, "the excess was dropped", Patience);
        Assert.Equal(bound, await broker.Ingest.KeptMessagesAsync("ops-dash"));
        Assert.True((await broker.Ingest.Server.GetSessionAsync("ops-dash")).PendingApplicationMessagesCount <= bound);

        // Back online, the dashboard gets the newest answers the session kept.
        var back = await ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. dashboard, "-C", bound.ToString(), "-W", "30"], TimeSpan.FromSeconds(40));
        Assert.True(back.ExitCode == 0, back.Output);
        var numbers = AnswerNumber().Matches(back.Output).Select(m => int.Parse(m.Groups[1].Value)).Order().ToList();
        Assert.Equal(Enumerable.Range(answeredBefore + payments - bound + 1, bound), numbers);
    }

    [Fact]
    public async Task SubscriptionsBeyondTheQuota_GetSuback0x97_AndAnUnsubscribeGivesThePlaceBack()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxSubscriptionsPerSession = 3);
        await using var client = await MqttJsTerminal.StartScriptAsync(SubscribeScript, new
        {
            url = $"mqtt://127.0.0.1:{broker.Port}",
            protocolVersion = 5,
            clientId = "many-filters",
            first = new[] { "test/a", "test/b", "test/c", "test/d", "test/e" },
            second = new[] { "test/a" }, // already held: no new place needed
        });

        var granted = (await client.NextAsync("suback")).GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()).ToArray();
        Assert.Equal(new[] { 1, 1, 1, 0x97, 0x97 }, granted);
        Assert.Equal(new[] { 1 }, (await client.NextAsync("suback")).GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()).ToArray());
        Assert.Equal(2, broker.Metrics.Refusals("subscription_limit"));

        // MQTT 3.1.1 has a single failure code.
        await using var old = await TestClient.ConnectAsync(broker.Port, "old-client", MQTTnet.Formatter.MqttProtocolVersion.V311);
        for (var i = 0; i < 3; i++)
        {
            await old.SubscribeAsync($"test/old/{i}");
        }

        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.UnspecifiedError, Assert.Single((await old.SubscribeAsync("test/old/3")).Items).ResultCode);
        await old.Client.UnsubscribeAsync(new MQTTnet.MqttClientUnsubscribeOptionsBuilder().WithTopicFilter("test/old/0").Build());
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single((await old.SubscribeAsync("test/old/3")).Items).ResultCode);
    }

    [Fact]
    public async Task SubscriptionMqttnetDoesNotAdd_GivesItsQuotaPlaceBack()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxSubscriptionsPerSession = 2);
        await using var client = await MqttJsTerminal.StartScriptAsync(SubscribeScript, new
        {
            url = $"mqtt://127.0.0.1:{broker.Port}",
            protocolVersion = 5,
            clientId = "empty-filter",
            first = new[] { "" }, // accepted by the subscription interceptor, then never added by MQTTnet
            second = new[] { "test/a", "test/b" },
        });

        Assert.Single((await client.NextAsync("suback")).GetProperty("granted").EnumerateArray());
        var granted = (await client.NextAsync("suback")).GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()).ToArray();

        // The empty filter's place was given back: both real filters fit within the quota of two.
        Assert.Equal(new[] { 1, 1 }, granted);
        Assert.Equal(0, broker.Metrics.Refusals("subscription_limit"));
    }

    private static Task<string?> ReadLineAsync(System.Diagnostics.Process process) => process.StandardOutput.ReadLineAsync();

    [GeneratedRegex("\"answer\":(\\d+)")]
    private static partial Regex AnswerNumber();
}
