using System.Buffers;
using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// An MQTT 5 client that declares a Maximum Packet Size is never sent a larger packet (MQTT 5 §3.1.2.11.4): the answer is
/// discarded and counted, and its payment's PUBACK still goes, as if the answer had been sent.
/// </summary>
public sealed class ClientMaximumPacketSizeTests
{
    public static TheoryData<string, string?, byte[]?, string?, int, bool> Packets() => new()
    {
        { "pos/store-1/t1/decisions", null, null, null, 0, false },
        { "pos/store-1/t1/decisions", "application/json", Encoding.UTF8.GetBytes("corr-1"), null, 300, false },
        { "pos/store-1/t1/responses/a", "application/json", new byte[128], "pos/x/y", 20_000, true },
        { "pos/störe-1/t1/decisions", null, null, null, 127, true },
    };

    [Theory]
    [MemberData(nameof(Packets))]
    public void ThePublishSize_IsWhatMqttnetWrites_OrTwoBytesMore(string topic, string? contentType, byte[]? correlation, string? responseTopic, int payloadBytes, bool userProperties)
    {
        var publish = new MqttPublishPacket
        {
            Topic = topic,
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            PacketIdentifier = 7,
            ContentType = contentType,
            CorrelationData = correlation,
            ResponseTopic = responseTopic,
            Payload = new ReadOnlySequence<byte>(new byte[payloadBytes]),
            UserProperties = userProperties ? [new MqttUserProperty("store", Encoding.UTF8.GetBytes("store-1"))] : null,
        };
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65536));

        var written = formatter.Encode(publish).Length;

        Assert.InRange(PublishSize.Of(publish) - written, 0, 2);
    }

    [Fact]
    public async Task AnAnswerLargerThanTheClientsMaximumPacketSize_IsNotSent_AndCounted_AndItsPaymentIsAcknowledged()
    {
        await using var broker = await TestBroker.StartAsync();
        // The echo's answer carries the payment's 100 bytes of correlation data back, about 160 bytes on the wire: the
        // smallest limit a client may declare (128) is below it, 1,000 well above.
        await using var small = await TestClient.ConnectAsync(broker.Port, configure: o => o.WithMaximumPacketSize(ConnectTerms.MinClientMaximumPacketSize));
        await using var large = await TestClient.ConnectAsync(broker.Port, configure: o => o.WithMaximumPacketSize(1_000));
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, small.Connected.ResultCode);
        await small.SubscribeAsync("pos/store-1/small/decisions");
        await large.SubscribeAsync("pos/store-1/large/decisions");

        var correlation = new byte[100];
        Assert.True((await small.PublishAsync(Payloads.Topic(terminal: "small"), Payloads.Payment("tx-small"), correlation: correlation)).IsSuccess);
        Assert.True((await large.PublishAsync(Payloads.Topic(terminal: "large"), Payloads.Payment("tx-large"), correlation: correlation)).IsSuccess);

        await large.NextAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => broker.Metrics.Refusals("answer_too_large") == 1, "the small client's answer was counted as too large for it");

        // A round trip on the same connection after the answer was discarded: an answer sent would be on the wire before it.
        await small.Client.PingAsync(CancellationToken.None);
        Assert.Empty(small.Drain());
        Assert.True(small.Client.IsConnected);
    }
}
