using System.Text;
using System.Text.Json;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// A terminal whose payment the agent holds (its PUBACK waits for the record) is waiting for the agent, not idle: it stays
/// connected however long the record takes, its PINGREQs answered meanwhile, and gets its answer and its PUBACK. A client
/// that sends nothing while the broker waits for it is still disconnected after 1.5 times its keep-alive.
/// </summary>
public sealed class KeepAliveTests
{
    /// <summary>MQTT.js without reconnection: a connection it gives up (no PINGRESP within 1.5 keep-alives) ends the script's run.</summary>
    private const string Script = """
        const mqtt = require('mqtt');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...(data || {}) }) + '\n');
        const client = mqtt.connect(cfg.url, {
          protocolVersion: cfg.protocolVersion, clientId: cfg.clientId, clean: true,
          reconnectPeriod: 0, connectTimeout: 10000, keepalive: cfg.keepalive,
        });
        client.on('packetreceive', (packet) => { if (packet.cmd === 'pingresp') say('pingresp'); });
        client.on('connect', () => client.subscribe(cfg.subscribe, { qos: 1 }, () =>
          client.publish(cfg.topic, cfg.payload, { qos: 1 }, (err) => say('puback', { error: err ? String(err) : null }))));
        client.on('message', (topic, payload) => say('message', { topic, payload: payload.toString() }));
        client.on('error', (err) => say('error', { error: String(err) }));
        client.on('close', () => say('close'));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task APaymentHeldPastTheKeepAlive_TheTerminalStaysConnected_AndGetsItsAnswerAndPubAck(int protocolVersion)
    {
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var broker = await TestBroker.StartAsync(o => o.BrokerKeepAliveMinSeconds = 1);
        broker.Sink.ByPayment = true;
        broker.Sink.Paused = record.Task;
        var id = "held-" + protocolVersion;
        const int KeepAlive = 4;
        await using var terminal = await MqttJsTerminal.StartScriptAsync(Script, new Dictionary<string, object?>
        {
            ["url"] = $"mqtt://127.0.0.1:{broker.Port}",
            ["protocolVersion"] = protocolVersion,
            ["clientId"] = id,
            ["keepalive"] = KeepAlive,
            ["subscribe"] = $"pos/store-1/{id}/decisions",
            ["topic"] = $"pos/store-1/{id}/payments",
            ["payload"] = Encoding.UTF8.GetString(Payloads.Payment("tx-" + id)),
        });
        await Eventually.TrueAsync(() => !broker.Sink.Received.IsEmpty, "the payment is held for its record");

        // MQTT.js sends a PINGREQ after a keep-alive without a reply and gives the connection up at 1.5 keep-alives without
        // one; MQTTnet's own monitor would have ended it at 1.5 keep-alives after the payment, the last packet it read. Two
        // PINGRESPs mean the payment was held for two keep-alives at least.
        for (var i = 0; i < 2; i++)
        {
            await terminal.NextAsync("pingresp");
        }

        record.SetResult();

        var answer = await terminal.NextAsync("message");
        var puback = await terminal.NextAsync("puback");
        Assert.Equal($"pos/store-1/{id}/decisions", answer.GetProperty("topic").GetString());
        Assert.Equal(JsonValueKind.Null, puback.GetProperty("error").ValueKind);
        Assert.Single(broker.Sink.Received); // never sent again: the connection it was sent on stayed up
        Assert.Equal(0, broker.Metrics.Refusals("keep_alive_timeout"));
    }

    [Fact]
    public async Task KeepAlive_CountsOnlyWhileTheBrokerWaitsForTheClient()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var broker = await TestBroker.StartAsync(o => o.BrokerKeepAliveMinSeconds = 1, time: time);
        broker.Sink.ByPayment = true;
        broker.Sink.Paused = record.Task;
        await using var raw = await RawMqtt.OpenAsync(broker.Port);
        await raw.SendAsync(RawMqtt.Connect(5, "t1", cleanSession: true, keepAlive: 2));
        Assert.Equal(0x20, (await raw.ReadPacketAsync())!.Value.Header);
        await raw.SendAsync(Subscribe(1, "pos/store-1/t1/decisions"));
        Assert.Equal(0x90, (await raw.ReadPacketAsync())!.Value.Header);

        await raw.SendAsync(Publish(1, Payloads.Topic(), Payloads.Payment("tx-ka-1")));
        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 1, "the first payment is held for its record");
        await raw.SendAsync([0xC0, 0x00]);
        Assert.Equal(0xD0, (await raw.ReadPacketAsync())!.Value.Header); // PINGRESP while the payment is held

        // A second payment behind the first: the broker reads it and then nothing more until the first is settled, so the
        // client could not be heard meanwhile, whatever it sent. Twenty keep-alives pass.
        await raw.SendAsync(Publish(2, Payloads.Topic(), Payloads.Payment("tx-ka-2")));
        await PassAsync(broker, time, TimeSpan.FromSeconds(40));

        record.SetResult();
        var packets = new List<byte>();
        for (var i = 0; i < 4; i++)
        {
            packets.Add((await raw.ReadPacketAsync())!.Value.Header);
        }

        Assert.Equal(2, packets.Count(h => (h & 0xF0) == 0x30)); // both answers
        Assert.Equal(2, packets.Count(h => h == 0x40)); // both PUBACKs, no DISCONNECT
        Assert.Equal(0, broker.Metrics.Refusals("keep_alive_timeout"));

        // Now the broker waits for the client, which says nothing: 1.5 keep-alives later it is disconnected. The clock
        // stops once the broker has judged it silent: moving it further would run out the DISCONNECT's own send timeout,
        // which is on the same clock, before the packet is written.
        var next = raw.ReadPacketAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 30 && broker.Metrics.Refusals("keep_alive_timeout") == 0; i++)
        {
            await PassAsync(broker, time, TimeSpan.FromSeconds(1));
        }

        var disconnect = (await next)!.Value;
        Assert.Equal(0xE0, disconnect.Header);
        Assert.Equal(0x8D, disconnect.Body[0]); // keep-alive timeout
        Assert.True(await raw.ClosedAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, broker.Metrics.Refusals("keep_alive_timeout"));
    }

    /// <summary>Moves the broker's clock and waits until its maintenance (which judges keep-alives) has run after the move.</summary>
    private static async Task PassAsync(TestBroker broker, FakeTimeProvider time, TimeSpan by)
    {
        var before = broker.Ingest.MaintenancePasses;
        time.Advance(by);
        await Eventually.TrueAsync(() => broker.Ingest.MaintenancePasses > before, "the broker's maintenance ran");
    }

    private static byte[] Subscribe(ushort id, string filter)
    {
        var topic = Encoding.UTF8.GetBytes(filter);
        byte[] body = [(byte)(id >> 8), (byte)id, 0, (byte)(topic.Length >> 8), (byte)topic.Length, .. topic, 1];
        return [0x82, .. RawMqtt.RemainingLength(body.Length), .. body];
    }

    private static byte[] Publish(ushort id, string topicName, byte[] payload)
    {
        var topic = Encoding.UTF8.GetBytes(topicName);
        byte[] body = [(byte)(topic.Length >> 8), (byte)topic.Length, .. topic, (byte)(id >> 8), (byte)id, 0, .. payload];
        return [0x32, .. RawMqtt.RemainingLength(body.Length), .. body];
    }
}
