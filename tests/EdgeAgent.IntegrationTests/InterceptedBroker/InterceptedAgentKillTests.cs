using System.Text;
using EdgeAgent.IntegrationTests.EmbeddedBroker.Support;
using EdgeAgent.IntegrationTests.Infrastructure;

namespace EdgeAgent.IntegrationTests.InterceptedBroker;

/// <summary>
/// The agent with the intercepted broker (<c>Mqtt:Broker=Intercepted</c>) killed as <c>kill -9</c> would, between its
/// answer and the terminal's PUBACK, under an MQTT.js terminal with a persistent session that subscribes only once its
/// payment is acknowledged: the broker's sessions die with the agent, the terminal sends the payment again to the
/// restarted one, gets its PUBACK, subscribes, and gets the recorded answer, kept for it meanwhile; recorded once.
/// </summary>
public sealed class InterceptedAgentKillTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("Answer", 4)]
    [InlineData("Commit", 5)]
    public async Task KilledBeforeThePubAck_ThePaymentIsSentAgainAndAnsweredAlike(string killAfter, int protocolVersion)
    {
        string[] settings = ["Mqtt:Broker=Intercepted", $"Mqtt:Port={_port}", "Inference:Provider=Cpu"];
        var payment = Encoding.UTF8.GetString(Payloads.Payment("tx-kill", 64m));
        await using var doomed = await AgentProcess.StartAsync(_data.Path, [.. settings, $"Faults:KillAfter={killAfter}", "Faults:TransactionId=tx-kill"]);
        await using var terminal = await MqttJsTerminal.StartAsync(new Dictionary<string, object?>
        {
            ["url"] = $"mqtt://127.0.0.1:{_port}",
            ["protocolVersion"] = protocolVersion,
            ["clientId"] = "t1",
            ["clean"] = false,
            ["reconnectPeriod"] = 200,
            ["topic"] = Payloads.Topic(),
            ["payload"] = payment,
            ["subscribe"] = "pos/store-1/t1/decisions",
            ["subscribeFirst"] = false, // it subscribes once its payment is acknowledged, which the first agent never does
        });
        await doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Fault injection: killing the agent", doomed.Output, StringComparison.Ordinal);
        Assert.Contains("Intercepted MQTTnet broker listening", doomed.Output, StringComparison.Ordinal);

        await using var restarted = await AgentProcess.StartAsync(_data.Path, settings);
        var puback = await terminal.NextAsync("puback", TimeSpan.FromSeconds(60));
        var answer = await terminal.NextAsync("message", TimeSpan.FromSeconds(60)); // kept for it until it subscribed
        await restarted.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("pos/store-1/t1/decisions", answer.GetProperty("topic").GetString());
        Assert.Contains("\"transactionId\":\"tx-kill\"", answer.GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, puback.GetProperty("error").ValueKind);
        Assert.Contains("every recorded payment was answered and acknowledged", restarted.Output, StringComparison.Ordinal);
        using var record = new AgentRecord(_data.Path);
        var outcome = Assert.Single(record.Outcomes, o => o.TransactionId == "tx-kill");
        Assert.Equal(answer.GetProperty("payload").GetString(), Encoding.UTF8.GetString(record.Answer(outcome)!));
    }
}
