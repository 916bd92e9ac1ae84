using System.Text.Json;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker;

/// <summary>
/// MQTT.js, the client of many web and Node.js terminals, as it behaves: persistent sessions, automatic reconnection,
/// resending unacknowledged payments and resubscribing after a broker that lost its sessions came back.
/// </summary>
public sealed class MqttJsClientTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task TerminalThatSubscribesAfterPublishing_GetsItsAnswer(int protocolVersion)
    {
        await using var terminal = await MqttJsTerminal.StartAsync(Config(protocolVersion, "js-after-" + protocolVersion, clean: false, subscribeFirst: false));

        Assert.Equal(JsonValueKind.Null, (await terminal.NextAsync("puback")).GetProperty("error").ValueKind);
        var message = await terminal.NextAsync("message");

        Assert.Equal($"pos/store-1/js-after-{protocolVersion}/decisions", message.GetProperty("topic").GetString());
        Assert.StartsWith("{\"answer\":", message.GetProperty("payload").GetString());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task EmptyClientIdWithCleanSession_IsAssignedOne(int protocolVersion)
    {
        await using var terminal = await MqttJsTerminal.StartAsync(Config(protocolVersion, "", clean: true, subscribeFirst: true, terminal: "js-empty-" + protocolVersion));

        var connect = await terminal.NextAsync("connect");
        await terminal.NextAsync("message");

        if (protocolVersion == 5)
        {
            Assert.StartsWith(ConnectTerms.AssignedPrefix, connect.GetProperty("assigned").GetString());
        }

        Assert.StartsWith(ConnectTerms.AssignedPrefix, Assert.Single(_broker.Sink.Received).SenderId);
    }

    [Fact]
    public async Task Mqtt5ResponseTopic_AndCorrelationData_RoundTrip()
    {
        var config = new Dictionary<string, object?>(Config(5, "js-rt", clean: true, subscribeFirst: true))
        {
            ["subscribe"] = "test/js-rt/answers",
            ["responseTopic"] = "test/js-rt/answers",
            ["correlation"] = "corr-1",
        };
        await using var terminal = await MqttJsTerminal.StartAsync(config);

        var message = await terminal.NextAsync("message");

        Assert.Equal("test/js-rt/answers", message.GetProperty("topic").GetString());
        Assert.Equal("corr-1", message.GetProperty("correlation").GetString());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task BrokerKilledBeforeTheRecord_TheTerminalResendsAndGetsItsAnswerAfterTheRestart(int protocolVersion)
    {
        _broker.Sink.Mode = SinkMode.Hold; // the payment reaches the agent, which dies before recording it
        await using var terminal = await MqttJsTerminal.StartAsync(Config(protocolVersion, "js-kill-" + protocolVersion, clean: false, subscribeFirst: true));
        await terminal.NextAsync("suback");
        await Eventually.TrueAsync(() => !_broker.Sink.Received.IsEmpty, "the payment reached the agent");

        _broker.Sink.Mode = SinkMode.Answer;
        await _broker.CrashAndRestartAsync();
        var reconnected = await terminal.NextAsync("connect", TimeSpan.FromSeconds(60));
        var message = await terminal.NextAsync("message", TimeSpan.FromSeconds(60));

        Assert.False(reconnected.GetProperty("sessionPresent").GetBoolean()); // the broker's sessions died with it
        Assert.Equal($"pos/store-1/js-kill-{protocolVersion}/decisions", message.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task BrokerKilledAfterTheRecord_TheAnswerComesBackFromTheRecord()
    {
        _broker.Sink.Mode = SinkMode.RecordOnly; // recorded and acknowledged; the answer dies with the broker
        await using var terminal = await MqttJsTerminal.StartAsync(Config(4, "js-record", clean: false, subscribeFirst: true));
        await terminal.NextAsync("puback");

        _broker.Sink.Mode = SinkMode.Answer;
        await _broker.CrashAndRestartAsync();
        var message = await terminal.NextAsync("message", TimeSpan.FromSeconds(60));

        Assert.Equal("pos/store-1/js-record/decisions", message.GetProperty("topic").GetString());
        Assert.Single(_broker.Sink.Received); // not sent again: its PUBACK had gone out
    }

    private Dictionary<string, object?> Config(int protocolVersion, string clientId, bool clean, bool subscribeFirst, string? terminal = null)
    {
        var id = terminal ?? clientId;
        return new()
        {
            ["url"] = $"mqtt://127.0.0.1:{_broker.Port}",
            ["protocolVersion"] = protocolVersion,
            ["clientId"] = clientId,
            ["clean"] = clean,
            ["reconnectPeriod"] = 200,
            ["topic"] = $"pos/store-1/{id}/payments",
            ["payload"] = "payment from " + id,
            ["subscribe"] = $"pos/store-1/{id}/decisions",
            ["subscribeFirst"] = subscribeFirst,
        };
    }
}
