using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>Client ids as MQTT 3.1.1 §3.1.3.1 and MQTT 5 §3.1.3.1 have them: empty with a clean session is assigned one.</summary>
public sealed class ClientIdTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Mqtt311_EmptyIdWithCleanSession_IsAccepted_AndItsPaymentsCarryTheAssignedId()
    {
        await using var raw = await RawMqtt.OpenAsync(_broker.Port);
        await raw.SendAsync(RawMqtt.Connect(4, "", cleanSession: true, keepAlive: 30));

        var connAck = await raw.ReadPacketAsync();

        Assert.Equal(0x20, connAck!.Value.Header);
        Assert.Equal(0, connAck.Value.Body[1]); // connection accepted
        await using var client = await TestClient.ConnectAsync(_broker.Port, "", MqttProtocolVersion.V311);
        Assert.Equal(MqttClientConnectResultCode.Success, client.Connected.ResultCode);
        await client.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-1"));
        Assert.StartsWith(ConnectTerms.AssignedPrefix, Assert.Single(_broker.Sink.Received).SenderId);
    }

    [Fact]
    public async Task Mqtt5_EmptyIdWithCleanStart_GetsAnAssignedClientIdentifier()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, "");

        var assigned = client.Connected.AssignedClientIdentifier;

        Assert.StartsWith(ConnectTerms.AssignedPrefix, assigned);
        await client.PublishAsync(Payloads.Topic(), Payloads.Payment("tx-2"));
        Assert.Equal(assigned, Assert.Single(_broker.Sink.Received).SenderId);
    }

    [Fact]
    public async Task AssignedIds_AreDistinct()
    {
        await using var first = await TestClient.ConnectAsync(_broker.Port, "");
        await using var second = await TestClient.ConnectAsync(_broker.Port, "");

        Assert.NotEqual(first.Connected.AssignedClientIdentifier, second.Connected.AssignedClientIdentifier);
        Assert.True(first.Client.IsConnected);
    }

    [Theory]
    [InlineData(4, 2)]    // MQTT 3.1.1: return code 2, identifier rejected
    [InlineData(5, 0x85)] // MQTT 5: Client Identifier not valid
    public async Task EmptyIdWithoutCleanSession_IsRefused(int level, int code)
    {
        await using var raw = await RawMqtt.OpenAsync(_broker.Port);
        await raw.SendAsync(RawMqtt.Connect(level, "", cleanSession: false, keepAlive: 30));

        var connAck = await raw.ReadPacketAsync();

        Assert.Equal(0x20, connAck!.Value.Header);
        Assert.Equal(code, connAck.Value.Body[1]);
        Assert.True(await raw.ClosedAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, _broker.Metrics.Refusals("client_id"));
    }

    [Fact]
    public async Task TheAgentsOwnClientId_IsRefused()
    {
        await using var client = await TestClient.ConnectAsync(_broker.Port, EmbeddedBrokerIngest.AgentClientId);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, client.Connected.ResultCode);
        Assert.Equal(1, _broker.Metrics.Refusals("client_id_reserved"));
    }
}
