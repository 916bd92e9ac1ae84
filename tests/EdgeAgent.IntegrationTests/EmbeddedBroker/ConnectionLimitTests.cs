using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.IntegrationTests.Infrastructure;
using EdgeAgent.Mqtt.Embedded;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>What a flood of connections meets: a cap, a rate per address, a CONNECT deadline, and a log that does not flood.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task ConnectionOverTheCap_IsClosedOnAccept_AndOneIsAdmittedAgainWhenAnotherLeaves()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerMaxConnections = 2);
        var first = await TestClient.ConnectAsync(broker.Port);
        await using var second = await TestClient.ConnectAsync(broker.Port);

        await using (var third = await RawMqtt.OpenAsync(broker.Port))
        {
            await third.SendAsync(RawMqtt.Connect(4, "third", cleanSession: true, keepAlive: 30));
            Assert.Null(await third.ReadPacketAsync());
        }

        Assert.Equal(1, broker.Metrics.Refusals("connection_limit"));
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.connections") == 1, "the first connection was released");
        await using var fourth = await TestClient.ConnectAsync(broker.Port);
        Assert.Equal(MqttClientConnectResultCode.Success, fourth.Connected.ResultCode);
    }

    [Fact]
    public async Task ConnectionsFasterThanTheRatePerAddress_AreRefused()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerConnectionsPerSecondPerAddress = 1;
            o.BrokerConnectionBurstPerAddress = 3;
        });
        var sockets = new List<RawMqtt>();
        for (var i = 0; i < 8; i++)
        {
            sockets.Add(await RawMqtt.OpenAsync(broker.Port));
        }

        // Eight within a moment against a burst of three and one more a second: at least four are refused.
        await Eventually.TrueAsync(() => broker.Metrics.Refusals("connection_rate") >= 4, "the burst was exceeded");
        Assert.True(broker.Metrics.Total("edgeagent.broker.connections") <= 4);
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectionThatSendsNoConnect_IsClosedAtTheDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o => o.BrokerConnectTimeoutSeconds = 10, time: time);
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
