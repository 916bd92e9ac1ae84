using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Mqtt:MaxPacketBytes, enforced from the fixed header: the body of a refused packet is never read.</summary>
public sealed class PacketLimitTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync(o => o.MaxPacketBytes = 16_384);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Mqtt5Client_SendingOneMegabyte_GetsPacketTooLarge_AndOthersAreStillServed()
    {
        await using var big = await TestClient.ConnectAsync(_broker.Port);
        await using var other = await TestClient.ConnectAsync(_broker.Port);

        var publish = big.PublishAsync(Payloads.Topic(), new byte[1024 * 1024]);
        var disconnected = await big.Disconnected.WaitAsync(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<Exception>(() => publish);

        Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, disconnected.Reason);
        Assert.Equal(1, _broker.Metrics.Refusals("packet_too_large"));
        Assert.Empty(_broker.Sink.Received);
        await other.SubscribeAsync("test/other/answers");
        await other.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-after"), "test/other/answers", [1]);
        var answer = await other.NextAsync();
        Assert.Contains("\"answer\"", Encoding.UTF8.GetString(answer.Payload));
    }

    [Fact]
    public async Task Mqtt311Client_SendingOneMegabyte_IsDisconnected()
    {
        await using var big = await TestClient.ConnectAsync(_broker.Port, version: MqttProtocolVersion.V311);

        _ = big.PublishAsync(Payloads.Topic(), new byte[1024 * 1024]);
        await big.Disconnected.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, _broker.Metrics.Refusals("packet_too_large"));
        Assert.Empty(_broker.Sink.Received);
    }

    [Fact]
    public async Task PacketAtTheLimit_IsAccepted()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port);
        var topic = Payloads.Topic();
        // 1 type byte + 2 length bytes + 2 + topic + 2 packet id + 1 property length + payload = the limit exactly.
        var payload = new byte[16_384 - 3 - 2 - topic.Length - 2 - 1];

        var result = await client.PublishAsync(topic, payload);

        Assert.True(result.IsSuccess);
        Assert.Equal(payload.Length, Assert.Single(_broker.Sink.Received).ReceivedLength);
    }

    [Fact]
    public async Task ConnAck_AdvertisesTheLimits()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port);

        Assert.Equal(16_384u, client.Connected.MaximumPacketSize);
        Assert.Equal((ushort)256, client.Connected.ReceiveMaximum);
        Assert.False(client.Connected.RetainAvailable);
    }

    [Fact]
    public async Task HeaderAnnouncingTwoHundredMegabytes_IsClosedWithoutWaitingForTheBody()
    {
        await using var raw = await RawMqtt.OpenAsync(_broker.Port);
        await raw.SendAsync(RawMqtt.Connect(5, "raw-big", cleanSession: true, keepAlive: 30));
        Assert.Equal(0x20, (await raw.ReadPacketAsync())!.Value.Header);

        await raw.SendAsync([0x30, .. RawMqtt.RemainingLength(200_000_000)]);

        var disconnect = await raw.ReadPacketAsync();
        Assert.Equal(0xE0, disconnect!.Value.Header);
        Assert.Equal(0x95, disconnect.Value.Body[0]);
        Assert.True(await raw.ClosedAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, _broker.Metrics.Refusals("packet_too_large"));
    }
}
