using System.Diagnostics;
using System.Net;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// Sockets without credentials never keep terminals out: they have a short deadline, a bounded share of the slots and a
/// bounded number per address, and the oldest of them makes room for a new connection. A store's terminals reconnecting
/// together from one address are all let in.
/// </summary>
public sealed class PreAuthenticationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Many terminals in one node process, as a store's terminals behind one NAT after a power cut: each reconnects as
    // MQTT.js does after a refusal or a reset; 'all' is reported once every one has been connected.
    private const string BurstScript = """
        const mqtt = require('mqtt');
        const cfg = JSON.parse(process.argv[2]);
        const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
        const started = Date.now();
        let connected = 0, errors = 0, closes = 0;
        const refusals = {};
        for (let i = 0; i < cfg.count; i++) {
          const client = mqtt.connect(cfg.url, { protocolVersion: 5, clientId: 'burst-' + i, reconnectPeriod: 1000, connectTimeout: 30000, keepalive: 60 });
          let first = true;
          client.on('connect', () => {
            if (!first) return;
            first = false;
            if (++connected === cfg.count) say('all', { ms: Date.now() - started, errors, closes, refusals });
          });
          client.on('error', (err) => { errors++; const code = String(err.code || err.message); refusals[code] = (refusals[code] || 0) + 1; });
          client.on('close', () => { if (first) closes++; });
        }
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    [Fact]
    public async Task IdleSocketsFromSeveralAddresses_CannotKeepATerminalOut()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerMaxConnections = 40;
            o.BrokerAuthenticatedReservePercent = 50;
            o.BrokerPendingConnectionsPerAddress = 4;
            o.BrokerPreAuthTimeoutSeconds = 600; // the eviction of the oldest, not the deadline, makes the room here
        });
        var idle = new List<RawMqtt>();
        try
        {
            // 127.0.0.2..6 are loopback addresses too: five hosts, ten silent sockets each, twice what may wait unauthenticated.
            for (var host = 2; host <= 6; host++)
            {
                for (var i = 0; i < 10; i++)
                {
                    idle.Add(await RawMqtt.OpenAsync(broker.Port, IPAddress.Parse($"127.0.0.{host}")));
                }
            }

            await Eventually.TrueAsync(() => broker.Metrics.Refusals("pre_auth_evicted") >= 30, "the oldest idle sockets made room", Patience);

            var terminal = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
                ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-i", "store-1/t1", "-q", "1", "-t", Payloads.Topic(), "-m", "{}"], Patience);

            Assert.True(terminal.ExitCode == 0, terminal.Output);
            Assert.Single(broker.Sink.Received);
            Assert.Equal(0, broker.Metrics.Refusals("connection_limit"));
            Assert.True(broker.Metrics.Total("edgeagent.broker.connections") <= 40);
        }
        finally
        {
            foreach (var socket in idle)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SilentSocket_IsClosedAtThePreAuthenticationDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o => o.BrokerPreAuthTimeoutSeconds = 3, time: time);
        await using var silent = await RawMqtt.OpenAsync(broker.Port);

        var closed = false;
        for (var i = 0; i < 100 && !closed; i++)
        {
            time.Advance(TimeSpan.FromSeconds(4)); // within Mqtt:BrokerConnectTimeoutSeconds (10), past the overall 3
            closed = await silent.ClosedAsync(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(closed);
        Assert.Equal(1, broker.Metrics.Refusals("pre_auth_timeout"));
        Assert.Equal(0, broker.Metrics.Refusals("connect_timeout"));
    }

    [Fact]
    public async Task StoreOfTerminalsReconnectingFromOneAddress_AllGetIn()
    {
        // A few hundred keep the test light on a small CI machine; EDGEAGENT_BURST_TERMINALS=1000 measures a full store.
        var count = int.TryParse(Environment.GetEnvironmentVariable("EDGEAGENT_BURST_TERMINALS"), out var n) ? n : 300;
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerMaxConnections = Math.Max(1000, count);
            o.BrokerPreAuthTimeoutSeconds = 3; // the store's default: the burst must get in within it
        });
        var watch = Stopwatch.StartNew();
        await using var terminals = await MqttJsTerminal.StartScriptAsync(BurstScript, new { url = $"mqtt://127.0.0.1:{broker.Port}", count });

        var all = await terminals.NextAsync("all", TimeSpan.FromMinutes(3));

        output.WriteLine($"{count} terminals connected in {all.GetProperty("ms").GetInt32()} ms (node's clock; {watch.ElapsedMilliseconds} ms with node's start); " +
            $"client errors {all.GetProperty("errors")}, closes before connecting {all.GetProperty("closes")}, refusals {all.GetProperty("refusals")}; " +
            $"broker refusals: connection_rate {broker.Metrics.Refusals("connection_rate")}, pre_auth_evicted {broker.Metrics.Refusals("pre_auth_evicted")}, " +
            $"pre_auth_timeout {broker.Metrics.Refusals("pre_auth_timeout")}, connection_limit {broker.Metrics.Refusals("connection_limit")}");
        Assert.Equal(count, (await broker.Ingest.Server.GetClientsAsync()).Count);
    }
}
