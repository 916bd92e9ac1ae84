using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Every property a client controls reaches the pipeline as received, for it to check.</summary>
public sealed class InboundPropertiesTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Mqtt5Payment_CarriesItsProperties()
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port, "props-1");
        var payload = Payloads.Payment("tx-p");

        await terminal.PublishAsync(Payloads.Topic(), payload, "test/props-1/answers", [1, 2, 3],
            userProperties: [new MqttUserProperty("lane", "7"u8.ToArray().AsMemory()), new MqttUserProperty("shift", "early"u8.ToArray().AsMemory())], contentType: "application/json");

        var message = Assert.Single(_broker.Sink.Received);
        Assert.Equal(Payloads.Topic(), message.Topic);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.Equal(payload.Length, message.ReceivedLength);
        Assert.Equal("test/props-1/answers", message.ResponseTopic);
        Assert.Equal([1, 2, 3], message.CorrelationData);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(2, message.UserPropertyCount);
        Assert.Equal(Encoding.UTF8.GetByteCount("lane7shiftearly"), message.UserPropertyBytes);
        Assert.Equal(1, message.Qos);
        Assert.False(message.Retain);
        Assert.Equal("props-1", message.SenderId);
        Assert.True(message.ReceivedAt > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Theory]
    [InlineData(MqttQualityOfServiceLevel.AtMostOnce)]
    [InlineData(MqttQualityOfServiceLevel.ExactlyOnce)]
    public async Task QosOtherThanOne_IsCarriedForThePipelineToJudge(MqttQualityOfServiceLevel qos)
    {
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-q"), qos: qos);

        await Eventually.TrueAsync(() => !_broker.Sink.Received.IsEmpty, "the payment reached the pipeline");
        Assert.Equal((int)qos, Assert.Single(_broker.Sink.Received).Qos);
    }

    [Fact]
    public async Task PubAck_WaitsForTheRecord()
    {
        _broker.Sink.Mode = SinkMode.Hold;
        await using var terminal = await TestClient.ConnectAsync(_broker.Port);

        var publish = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-held"));
        await Eventually.TrueAsync(() => !_broker.Sink.Received.IsEmpty, "the payment reached the pipeline");

        Assert.False(publish.IsCompleted);
        await Assert.Single(_broker.Sink.Received).Settlement.AcknowledgeAsync(CancellationToken.None);
        Assert.True((await publish.WaitAsync(TimeSpan.FromSeconds(20))).IsSuccess);
    }

    [Fact]
    public async Task AnswerOnATopicNoMessageCanHave_IsDroppedAndCounted_NotThrown()
    {
        await _broker.Ingest.PublishAsync("pos/store-1/t1/#", null, "{}"u8.ToArray(), CancellationToken.None);
        await _broker.Ingest.PublishAsync("pos/store-1/\0/x", null, "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(2, _broker.Metrics.Refusals("answer_topic_invalid"));
    }
}
