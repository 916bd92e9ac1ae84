using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using MQTTnet;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// A terminal that disconnects and connects again at once with the same client id keeps its new connection, however
/// the broker interleaves the end of the old one with the start of the new one.
/// </summary>
public sealed class ReconnectionTests
{
    [Fact]
    public async Task ReconnectingAtOnceWithTheSameClientId_KeepsTheNewConnection()
    {
        await using var broker = await TestBroker.StartAsync();
        var lost = new List<string>();
        for (var round = 0; round < 150; round++)
        {
            var old = await TestClient.ConnectAsync(broker.Port, "again-1");
            var leaving = old.Client.DisconnectAsync(new MqttClientDisconnectOptions()); // not awaited: the two overlap
            await using var again = await TestClient.ConnectAsync(broker.Port, "again-1");
            await leaving;
            old.Client.Dispose();

            try
            {
                await again.SubscribeAsync("test/again-1/answers");
                await again.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-r" + round), "test/again-1/answers", [1]);
                await again.NextAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                lost.Add($"round {round}: {e.GetType().Name}");
            }
        }

        Assert.Empty(lost);
    }
}
