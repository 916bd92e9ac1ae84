using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>What a flood of connections meets: a cap, a rate per address, a CONNECT deadline, and a log that does not flood.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task ConnectionOverTheCap_IsToldTheBrokerIsFull_AndOneIsAdmittedAgainWhenAnotherLeaves()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxConnections = 2);
        var first = await TestClient.ConnectAsync(broker.Port);
        await using var second = await TestClient.ConnectAsync(broker.Port);

        await using (var third = await RawMqtt.OpenAsync(broker.Port))
        {
            await third.SendAsync(RawMqtt.Connect(4, "third", cleanSession: true, keepAlive: 30));
            var connAck = await third.ReadPacketAsync();
            Assert.NotNull(connAck);
            Assert.Equal((byte)0x20, connAck.Value.Header);
            Assert.Equal(new byte[] { 0x00, 0x03 }, connAck.Value.Body); // MQTT 3.1.1: server unavailable
            Assert.Null(await third.ReadPacketAsync());
        }

        var fourth5 = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-i", "fourth", "-t", "test/full", "-m", "x"], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, fourth5.ExitCode);
        Assert.Contains("quota exceeded", fourth5.Output, StringComparison.OrdinalIgnoreCase); // MQTT 5: 0x97

        Assert.Equal(2, broker.Metrics.Refusals("connection_limit"));
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.connections") == 1, "the first connection was released");
        await using var fourth = await TestClient.ConnectAsync(broker.Port);
        Assert.Equal(MqttClientConnectResultCode.Success, fourth.Connected.ResultCode);
    }

    [Fact]
    public async Task ConnectsFasterThanTheRatePerAddress_GetConnack0x9F()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerConnectionsPerSecondPerAddress = 1;
            o.BrokerConnectionBurstPerAddress = 3;
        });
        var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            ["-V", "5", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-i", $"rate-{i}", "-t", "test/rate", "-m", "x"], TimeSpan.FromSeconds(60))));
        var refused = runs.Where(r => r.ExitCode != 0).ToList();

        // Twelve at once against a burst of three and one more a second: some are refused, each one told why and counted.
        Assert.InRange(refused.Count, 1, 9);
        Assert.All(refused, r => Assert.Contains("connection rate exceeded", r.Output, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(refused.Count, broker.Metrics.Refusals("connection_rate"));
    }

    [Fact]
    public async Task ConnectionThatSendsNoConnect_IsClosedAtTheDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerConnectTimeoutSeconds = 10;
            o.BrokerPreAuthTimeoutSeconds = 600; // the overall deadline before authentication would close it first
        }, time: time);
        await using var silent = await RawMqtt.OpenAsync(broker.Port);

        // The deadline starts when the broker begins to read; move the clock until it has passed.
        var closed = false;
        for (var i = 0; i < 100 && !closed; i++)
        {
            time.Advance(TimeSpan.FromSeconds(11));
            closed = await silent.ClosedAsync(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(closed);
        Assert.Equal(1, broker.Metrics.Refusals("connect_timeout"));
    }

    [Fact]
    public async Task FloodOfRefusals_IsCountedInFull_AndLoggedOncePerInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o => o.RefusalLogIntervalSeconds = 60, time: time);

        for (var i = 0; i < 20; i++)
        {
            await using var refused = await TestClient.ConnectAsync(broker.Port, EmbeddedBrokerIngest.AgentClientId);
        }

        Assert.Equal(20, broker.Metrics.Refusals("client_id_reserved"));
        Assert.Equal(1, broker.Logs.Count(220));
        time.Advance(TimeSpan.FromSeconds(61));
        await using (var late = await TestClient.ConnectAsync(broker.Port, EmbeddedBrokerIngest.AgentClientId))
        {
        }

        Assert.Equal(2, broker.Logs.Count(220));
        Assert.Contains("19 more", broker.Logs.Lines.Last(l => l.EventId == 220).Message);
    }
}
