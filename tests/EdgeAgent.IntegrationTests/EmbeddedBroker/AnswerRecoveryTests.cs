using System.Buffers;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// Every answer reaches a terminal that subscribes for it, even one that was not listening when it was published,
/// dropped the connection before acknowledging it, or reconnected to a restarted broker.
/// </summary>
public sealed class AnswerRecoveryTests
{
    [Fact]
    public async Task AnswerPublishedBeforeTheTerminalSubscribed_IsDeliveredWhenItSubscribes()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "late-1");

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-1"), "test/late-1/answers", [1]);
        Assert.Equal(1, broker.Ingest.UndeliveredAnswers);
        await terminal.SubscribeAsync("test/late-1/answers");
        var answer = await terminal.NextAsync();

        Assert.Equal("test/late-1/answers", answer.Topic);
        Assert.Equal([1], answer.CorrelationData);
        Assert.Equal(0, broker.Ingest.UndeliveredAnswers);
        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.answers.redelivered") == 1, "the redelivery was counted");
    }

    [Fact]
    public async Task AnswerNotAcknowledged_WhenTheConnectionDropped_IsDeliveredAgainOnTheNextSubscription()
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Sink.ByPayment = true; // as the pipeline does: the answer is owed to the terminal that paid
        await using var dashboard = await TestClient.ConnectAsync(broker.Port, "dashboard");
        await dashboard.SubscribeAsync("test/+/answers"); // takes and acknowledges every answer, which is no delivery to the terminal
        byte[] first;
        await using (var terminal = await TestClient.ConnectAsync(broker.Port, "noack-1", autoAcknowledge: false))
        {
            await terminal.SubscribeAsync("test/noack-1/answers");
            await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-2"), "test/noack-1/answers", [2]);
            first = (await terminal.NextAsync()).Payload.ToArray(); // received, never acknowledged
        }

        await dashboard.NextAsync();
        await Eventually.TrueAsync(() => broker.Ingest.OwedAnswers == 1, "the unacknowledged answer was kept");
        await using var again = await TestClient.ConnectAsync(broker.Port, "noack-1");
        await again.SubscribeAsync("test/noack-1/answers");
        var second = await again.NextAsync();

        Assert.Equal(first, second.Payload.ToArray());
        Assert.Equal([2], second.CorrelationData);
    }

    [Theory]
    [InlineData(MqttQualityOfServiceLevel.AtLeastOnce)]
    [InlineData(MqttQualityOfServiceLevel.AtMostOnce)]
    public async Task AnswerTheTerminalTook_IsNotDeliveredAgain(MqttQualityOfServiceLevel qos)
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var terminal = await TestClient.ConnectAsync(broker.Port, "took-1"))
        {
            await terminal.SubscribeAsync("test/took-1/answers", qos);
            await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-3"), "test/took-1/answers", [3]);
            await terminal.NextAsync();
            // A second round trip: the broker reads the first answer's PUBACK before this payment.
            await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-4"), "test/took-1/answers", [4]);
            await terminal.NextAsync();
        }

        await using var again = await TestClient.ConnectAsync(broker.Port, "took-1");
        await again.SubscribeAsync("test/took-1/answers");
        await again.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-5"), "test/took-1/answers", [5]);

        // Anything kept would have been queued at the subscription, before this answer.
        Assert.Equal([5], (await again.NextAsync()).CorrelationData);
        Assert.Equal(0, broker.Metrics.Total("edgeagent.broker.answers.redelivered"));
    }

    [Fact]
    public async Task AfterACrash_TheAnswersOfTheRecordReachTheirTerminals()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var terminal = await TestClient.ConnectAsync(broker.Port, "crash-1"))
        {
            // Answered and recorded, but the broker dies before any subscriber took the answer.
            await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-6"), "test/crash-1/answers", [6]);
            await terminal.PublishAsync(Payloads.Topic("store-1", "t2"), Payloads.Payment("tx-7"));
        }

        await broker.CrashAndRestartAsync();
        await using var back = await TestClient.ConnectAsync(broker.Port, "crash-1");
        await back.SubscribeAsync("test/crash-1/answers");
        var answer = await back.NextAsync();
        await using var other = await TestClient.ConnectAsync(broker.Port, "crash-2", MQTTnet.Formatter.MqttProtocolVersion.V311);
        await other.SubscribeAsync("pos/store-1/t2/decisions");
        var decision = await other.NextAsync();

        Assert.Equal([6], answer.CorrelationData);
        Assert.Equal(broker.Record.AnswersSince(DateTimeOffset.MinValue, 10).Single(a => a.Topic == "test/crash-1/answers").Payload, answer.Payload.ToArray());
        Assert.Equal("pos/store-1/t2/decisions", decision.Topic);
    }

    [Fact]
    public async Task AnswerLostBetweenRecordAndDelivery_ComesBackFromTheRecordAfterACrash()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "between-1");
        await terminal.SubscribeAsync("test/between-1/answers");
        broker.Sink.Mode = SinkMode.RecordOnly;

        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-8"), "test/between-1/answers", [8]);
        await broker.CrashAndRestartAsync();
        broker.Sink.Mode = SinkMode.Answer;
        await using var back = await TestClient.ConnectAsync(broker.Port, "between-1");
        await back.SubscribeAsync("test/between-1/answers");

        Assert.Equal([8], (await back.NextAsync()).CorrelationData);
        Assert.Empty(terminal.Drain());
    }

    [Fact]
    public async Task KeptAnswers_AreBoundedByCount_TheOldestGoing()
    {
        await using var broker = await TestBroker.StartAsync(o => o.AnswerRetentionCount = 2);
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "bound-1");
        for (byte i = 1; i <= 3; i++)
        {
            await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-b" + i), "test/bound-1/answers", [i]);
        }

        await terminal.SubscribeAsync("test/bound-1/answers");

        Assert.Equal([2], (await terminal.NextAsync()).CorrelationData);
        Assert.Equal([3], (await terminal.NextAsync()).CorrelationData);
        Assert.Equal(1, broker.Metrics.Total("edgeagent.broker.answers.dropped", "evicted"));
    }

    [Fact]
    public async Task KeptAnswers_ExpireWithTheRetention()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o => o.AnswerRetentionSeconds = 60, time: time);
        // The broker judges keep-alives on its clock, which moves 61 s at once below, where a real terminal would have
        // pinged meanwhile: a keep-alive of 60 s (silence allowed for 90) keeps this one connected.
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "expire-1", configure: o => o.WithKeepAlivePeriod(TimeSpan.FromSeconds(60)));
        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-e"), "test/expire-1/answers", [1]);

        time.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(() => broker.Ingest.UndeliveredAnswers == 0, "the kept answer expired");
        await terminal.SubscribeAsync("test/expire-1/answers");
        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-f"), "test/expire-1/answers", [2]);

        Assert.Equal([2], (await terminal.NextAsync()).CorrelationData);
        Assert.Equal(1, broker.Metrics.Total("edgeagent.broker.answers.dropped", "expired"));
    }

    [Fact]
    public async Task WildcardSubscriber_NeitherTakesNorCountsAsTheTerminal()
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Sink.ByPayment = true;
        await using var dashboard = await TestClient.ConnectAsync(broker.Port, "dashboard");
        await dashboard.SubscribeAsync("pos/+/+/decisions");
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "wild-1", MQTTnet.Formatter.MqttProtocolVersion.V311);

        await terminal.PublishAsync(Payloads.Topic("store-3", "t1"), Payloads.Payment("tx-w1"));
        var seen = await dashboard.NextAsync(); // the dashboard sees the answer as it goes out and acknowledges it...
        await using var later = await TestClient.ConnectAsync(broker.Port, "dashboard-2");
        await later.SubscribeAsync("pos/store-3/+/decisions"); // ...a late wildcard subscriber is given nothing kept...
        await terminal.SubscribeAsync("pos/store-3/t1/decisions");
        var answer = await terminal.NextAsync(); // ...and the terminal still gets it when it subscribes to its own topic

        Assert.Equal(seen.Payload.ToArray(), answer.Payload.ToArray());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, answer.QualityOfServiceLevel);
        Assert.Empty(later.Drain());
    }

    [Fact]
    public async Task AnswerKeptForAQos0Subscription_IsDeliveredAtQos0()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var terminal = await TestClient.ConnectAsync(broker.Port, "qos0-1");
        await terminal.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-q0"), "test/qos0-1/answers", [9]);

        await terminal.SubscribeAsync("test/qos0-1/answers", MqttQualityOfServiceLevel.AtMostOnce);
        var answer = await terminal.NextAsync();

        Assert.Equal([9], answer.CorrelationData);
        Assert.Equal(MqttQualityOfServiceLevel.AtMostOnce, answer.QualityOfServiceLevel); // the subscription's QoS, not more
    }
}
