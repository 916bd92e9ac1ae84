using System.Text.Json;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet.Formatter;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// A connection's payments are taken while earlier ones wait for their record, their PUBACKs held and sent in the order
/// the payments came (MQTT 5 §4.6), up to the Receive Maximum; a payment that is not recorded ends the connection with no
/// PUBACK for it or for those after it.
/// </summary>
public sealed class HeldAcknowledgementTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task PaymentsOfOneConnection_ReachThePipelineWhileTheFirstWaits_AndTheirPubAcksGoInOrder(MqttProtocolVersion version)
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Sink.Mode = SinkMode.Hold;
        await using var terminal = await TestClient.ConnectAsync(broker.Port, version: version);

        var first = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-1"));
        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 1, "the first payment reached the pipeline");
        var second = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-2"));
        var third = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-3"));

        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 3, "the later payments reached the pipeline while the first waits for its record");
        var held = broker.Sink.Received.ToArray();
        Assert.Equal(["tx-1", "tx-2", "tx-3"], held.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("transactionId").GetString()));

        await held[1].Settlement.AcknowledgeAsync(CancellationToken.None);
        await held[2].Settlement.AcknowledgeAsync(CancellationToken.None);

        // A round trip on the same connection after the two were recorded: a PUBACK sent when its payment was recorded
        // would be on the wire before the PINGRESP.
        await terminal.Client.PingAsync(CancellationToken.None);
        Assert.Empty(terminal.PubAcksRead);

        await held[0].Settlement.AcknowledgeAsync(CancellationToken.None);
        foreach (var publish in new[] { first, second, third })
        {
            Assert.True((await publish.WaitAsync(TimeSpan.FromSeconds(20))).IsSuccess);
        }

        // The publishes took their packet identifiers in the order they were made.
        var ids = terminal.PubAcksRead.ToArray();
        Assert.Equal(3, ids.Length);
        Assert.True(ids[0] < ids[1] && ids[1] < ids[2], $"PUBACKs read in the order {string.Join(", ", ids)}");
    }

    [Fact]
    public async Task PastTheReceiveMaximum_TheNextPaymentWaitsUnread_UntilTheOldestIsAcknowledged()
    {
        await using var broker = await TestBroker.StartAsync(o => o.BrokerReceiveMaximum = 2);
        broker.Sink.Mode = SinkMode.Hold;
        await using var terminal = await TestClient.ConnectAsync(broker.Port, version: MqttProtocolVersion.V311);

        var publishes = new List<Task<MQTTnet.MqttClientPublishResult>>();
        for (var i = 1; i <= 3; i++)
        {
            publishes.Add(terminal.PublishAsync(Payloads.Topic(), Payloads.Payment($"tx-{i}")));
            var expected = Math.Min(i, 2);
            await Eventually.TrueAsync(() => broker.Sink.Received.Count >= expected, $"payment {i} reached the pipeline");
        }

        // The third PUBLISH is read off the socket and held there, before MQTTnet or the pipeline sees it.
        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.receive_maximum.waits") == 1, "the third payment waited for room");
        Assert.Equal(2, broker.Sink.Received.Count);

        await broker.Sink.Received.First().Settlement.AcknowledgeAsync(CancellationToken.None);
        Assert.True((await publishes[0].WaitAsync(TimeSpan.FromSeconds(20))).IsSuccess);
        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 3, "the third payment was read once the first's PUBACK went");
        Assert.False(publishes[1].IsCompleted);
        Assert.False(publishes[2].IsCompleted);
    }

    [Fact]
    public async Task APaymentNotRecorded_EndsTheConnection_WithNoPubAckForItOrForThoseAfterIt()
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Sink.Mode = SinkMode.Hold;
        await using var terminal = await TestClient.ConnectAsync(broker.Port);

        var first = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-a"));
        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 1, "the first payment reached the pipeline");
        var second = terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-b"));
        await Eventually.TrueAsync(() => broker.Sink.Received.Count == 2, "the second payment reached the pipeline");

        var held = broker.Sink.Received.ToArray();
        await held[1].Settlement.AcknowledgeAsync(CancellationToken.None);
        held[0].Settlement.Abandon();

        await terminal.Disconnected.WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var publish in new[] { first, second })
        {
            var acknowledged = false;
            try
            {
                acknowledged = (await publish.WaitAsync(TimeSpan.FromSeconds(20))).IsSuccess;
            }
            catch (Exception ex) when (ex is not TimeoutException)
            {
                // the client gave the publish up with the connection
            }

            Assert.False(acknowledged, "a PUBACK went after the connection's unrecorded payment");
        }
    }
}
