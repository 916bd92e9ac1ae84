using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>mosquitto's own command-line clients, MQTT 3.1.1 and 5, with and without a client id, as a store's staff would use them.</summary>
public sealed class MosquittoClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData("mqttv311", false)]
    [InlineData("mqttv311", true)]
    [InlineData("mqttv5", false)]
    [InlineData("mqttv5", true)]
    public async Task PubAndSub_WithOrWithoutClientId_GetTheAnswer(string version, bool withId)
    {
        var terminal = "t-" + version + (withId ? "-id" : "-anon");
        var decisions = $"pos/store-1/{terminal}/decisions";
        var subscribed = _broker.Ingest.Subscriptions;
        var sub = ExternalClients.RunAsync(ExternalClients.MosquittoSub,
            [.. Common(version), .. Id(withId, "sub-" + terminal), "-t", decisions, "-q", "1", "-C", "1", "-W", "60"], Timeout);
        await _broker.SubscribedAsync(subscribed);

        var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            [.. Common(version), .. Id(withId, "pub-" + terminal), "-q", "1", "-t", $"pos/store-1/{terminal}/payments", "-m", "payment from " + terminal], Timeout);
        var answer = await sub;

        Assert.True(pub.ExitCode == 0, pub.Output);
        Assert.True(answer.ExitCode == 0, answer.Output);
        Assert.StartsWith("{\"answer\":", answer.Output.Trim());
        var sender = Assert.Single(_broker.Sink.Received).SenderId!;
        if (withId)
        {
            Assert.Equal("pub-" + terminal, sender);
        }
        else
        {
            Assert.StartsWith(Mqtt.Embedded.ConnectTerms.AssignedPrefix, sender); // mosquitto_pub sent an empty id
        }
    }

    [Fact]
    public async Task Mqtt5ResponseTopicAndCorrelationData_FromMosquittoPub_ReachThePipeline()
    {
        var subscribed = _broker.Ingest.Subscriptions;
        var sub = ExternalClients.RunAsync(ExternalClients.MosquittoSub,
            [.. Common("mqttv5"), "-t", "test/m5/answers", "-C", "1", "-W", "60", "-F", "%p|%D"], Timeout);
        await _broker.SubscribedAsync(subscribed);

        var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            [.. Common("mqttv5"), "-q", "1", "-t", Payloads.Topic(), "-m", "payment",
             "-D", "publish", "response-topic", "test/m5/answers", "-D", "publish", "correlation-data", "req-42"], Timeout);
        var answer = await sub;

        Assert.True(pub.ExitCode == 0, pub.Output);
        var message = Assert.Single(_broker.Sink.Received);
        Assert.Equal("test/m5/answers", message.ResponseTopic);
        Assert.Equal("req-42"u8.ToArray(), message.CorrelationData);
        Assert.EndsWith("|req-42", answer.Output.Trim());
    }

    [Fact]
    public async Task SubscriberThatMissedTheAnswer_GetsItWhenItSubscribes()
    {
        var pub = await ExternalClients.RunAsync(ExternalClients.MosquittoPub,
            [.. Common("mqttv311"), "-q", "1", "-t", "pos/store-1/late/payments", "-m", "payment"], Timeout);

        var answer = await ExternalClients.RunAsync(ExternalClients.MosquittoSub,
            [.. Common("mqttv311"), "-t", "pos/store-1/late/decisions", "-q", "1", "-C", "1", "-W", "60"], Timeout);

        Assert.True(pub.ExitCode == 0, pub.Output);
        Assert.StartsWith("{\"answer\":", answer.Output.Trim());
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task SubscriptionToEverything_IsDenied(string version)
    {
        var spy = await ExternalClients.RunAsync(ExternalClients.MosquittoSub, [.. Common(version), "-t", "#"], Timeout);

        // mosquitto_sub says so and ends at once (exit code 0), instead of waiting for messages.
        Assert.Contains("All subscription requests were denied", spy.Output, StringComparison.Ordinal);
        Assert.Equal(1, _broker.Metrics.Refusals("subscription_payments"));
    }

    private string[] Common(string version) => ["-h", "127.0.0.1", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", version];

    private static string[] Id(bool withId, string id) => withId ? ["-i", id] : [];
}
