using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Keep-alive and session expiry as the client asks, within the configured ranges, and told to MQTT 5 clients.</summary>
public sealed class ConnectTermsTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync(o =>
    {
        o.BrokerKeepAliveMinSeconds = 10;
        o.BrokerKeepAliveMaxSeconds = 120;
        o.BrokerSessionExpiryMaxSeconds = 600;
    });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData(60, 0)]    // within the range: granted as asked, nothing to tell
    [InlineData(2, 10)]    // below: raised to the minimum
    [InlineData(900, 120)] // above: lowered to the maximum
    [InlineData(0, 120)]   // none: the maximum, so a dead connection is noticed
    public async Task Mqtt5KeepAlive_IsBoundedAndTold(int asked, int serverKeepAlive)
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, configure: o => o.WithKeepAlivePeriod(TimeSpan.FromSeconds(asked)));

        Assert.Equal(MqttClientConnectResultCode.Success, client.Connected.ResultCode);
        Assert.Equal(serverKeepAlive, client.Connected.ServerKeepAlive);
    }

    [Theory]
    [InlineData(300u, 0u)]            // within the range: nothing to tell
    [InlineData(uint.MaxValue, 600u)] // "never expires" is bounded too
    public async Task Mqtt5SessionExpiry_IsBoundedAndTold(uint asked, uint told)
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(asked));

        Assert.Equal(MqttClientConnectResultCode.Success, client.Connected.ResultCode);
        Assert.Equal(told, client.Connected.SessionExpiryInterval ?? 0);
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(5, true)]    // below the minimum: accepted, it only pings more often than needed
    [InlineData(121, false)] // above: cannot be told, refused
    [InlineData(0, false)]   // none: refused
    public async Task Mqtt311KeepAlive_OutsideTheRange_IsRefused(int asked, bool accepted)
    {
        await using var raw = await RawMqtt.OpenAsync(_broker.Port);
        await raw.SendAsync(RawMqtt.Connect(4, "kept-" + asked, cleanSession: true, keepAlive: (ushort)asked));

        var connAck = await raw.ReadPacketAsync();

        Assert.Equal(accepted ? 0 : 2, connAck!.Value.Body[1]);
        Assert.Equal(accepted ? 0 : 1, _broker.Metrics.Refusals("keep_alive"));
    }

    [Fact]
    public async Task Mqtt5RetainedWill_IsRefused()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, configure: o => o.WithWillTopic("pos/store-1/t1/status").WithWillPayload("gone"u8.ToArray()).WithWillRetain());

        Assert.Equal(MqttClientConnectResultCode.RetainNotSupported, client.Connected.ResultCode);
        Assert.Equal(1, _broker.Metrics.Refusals("retained_will"));
    }

    [Theory]
    [InlineData(20u, false)]
    [InlineData(127u, false)] // below any answer the agent sends: it could pay and never be answered
    [InlineData(128u, true)]  // at the floor: taken, and an answer larger than it is counted, not sent
    [InlineData(4096u, true)]
    public async Task Mqtt5MaximumPacketSize_BelowAnyAnswer_IsRefused(uint declared, bool accepted)
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, configure: o => o.WithMaximumPacketSize(declared));

        Assert.Equal(accepted ? MqttClientConnectResultCode.Success : MqttClientConnectResultCode.ImplementationSpecificError, client.Connected.ResultCode);
        Assert.Equal(accepted ? 0 : 1, _broker.Metrics.Refusals("maximum_packet_size"));
        Assert.Equal(accepted, client.Client.IsConnected);
    }

    [Fact]
    public void ContradictoryRanges_StopTheBrokerAtStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BrokerLimits.From(new Mqtt.MqttOptions { BrokerKeepAliveMinSeconds = 100, BrokerKeepAliveMaxSeconds = 50 }));

        Assert.Contains("Mqtt:BrokerKeepAliveMinSeconds", error.Message);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 5, 10)] // cannot be told: the broker waits for the minimum, the client pings every 5 s
    [InlineData(MqttProtocolVersion.V311, 60, 60)]
    [InlineData(MqttProtocolVersion.V500, 5, 10)]
    public void KeepAliveTheBrokerWatches_IsTheGrantedOne(MqttProtocolVersion version, int asked, int watched)
    {
        var connect = new MQTTnet.Packets.MqttConnectPacket { ClientId = "t1", CleanSession = true, KeepAlivePeriod = (ushort)asked };

        ConnectTerms.Negotiate(connect, version, BrokerLimits.From(_broker.Options));

        Assert.Equal(watched, connect.KeepAlivePeriod);
    }
}
