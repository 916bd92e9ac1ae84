using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Formatter;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Disconnected sessions do not pile up: they expire as granted, and the longest gone are evicted beyond the cap.</summary>
public sealed class SessionLimitTests
{
    [Fact]
    public async Task DisconnectedSessions_ExpireAsGranted_AndTheOldestAreEvictedBeyondTheCap()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.BrokerSessionExpiryMaxSeconds = 600;
            o.BrokerMaxSessions = 2;
        }, time: time);
        await ConnectAndLeaveAsync(broker, "v5-short", MqttProtocolVersion.V500, expiry: 60);
        await ConnectAndLeaveAsync(broker, "v311-a", MqttProtocolVersion.V311);
        Assert.Equal(2, Sessions(broker));

        time.Advance(TimeSpan.FromSeconds(90)); // past v5-short's 60 s, within the 600 s an MQTT 3.1.1 session keeps

        // The count follows the deletion, which MQTTnet completes after the session has left its list.
        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.sessions.removed", "expired") == 1, "the expired session was deleted");
        Assert.Equal(1, Sessions(broker));
        await ConnectAndLeaveAsync(broker, "v311-b", MqttProtocolVersion.V311);
        await ConnectAndLeaveAsync(broker, "v311-c", MqttProtocolVersion.V311);
        time.Advance(TimeSpan.FromSeconds(11));

        await Eventually.TrueAsync(() => broker.Metrics.Total("edgeagent.broker.sessions.removed", "evicted") == 1, "the cap was enforced");
        Assert.Equal(2, Sessions(broker));
        Assert.DoesNotContain("v311-a", (await broker.Ingest.Server.GetSessionsAsync()).Select(s => s.Id)); // the longest disconnected
    }

    private static int Sessions(TestBroker broker) => broker.Ingest.Server.GetSessionsAsync().GetAwaiter().GetResult().Count;

    private static async Task ConnectAndLeaveAsync(TestBroker broker, string clientId, MqttProtocolVersion version, uint expiry = 0)
    {
        await using var client = await TestClient.ConnectAsync(broker.Port, clientId, version, o =>
        {
            o.WithCleanSession(false);
            if (version == MqttProtocolVersion.V500)
            {
                o.WithSessionExpiryInterval(expiry);
            }
        });
        await client.SubscribeAsync($"test/{clientId}/answers");
    }
}
