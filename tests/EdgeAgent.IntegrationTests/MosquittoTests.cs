using EdgeAgent.Core.Features;

namespace EdgeAgent.IntegrationTests;

/// <summary>The agent behind a real mosquitto: shared subscription, persistent session, restarts and crashes.</summary>
public sealed class MosquittoTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _group = "g" + Guid.NewGuid().ToString("N")[..8];

    private string[] BrokerSettings(params string[] more) =>
    [
        "Mqtt:Host=127.0.0.1", $"Mqtt:Port={broker.Port}", $"Mqtt:ClientId={_clientId}", $"Mqtt:SharedGroup={_group}",
        "Mqtt:ReconnectMinDelaySeconds=0.2", "Inference:Provider=Cpu", .. more,
    ];

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Payment_ThroughASharedSubscription_IsAnswered()
    {
        await using var agent = await InProcessAgent.StartAsync(_data.Path, BrokerSettings());
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);

        var answer = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-1"));

        Assert.Equal("scored", Answers.Status(answer));
        await Eventually.TrueAsync(() => agent.Metrics.Acknowledged == 1, "the payment is acknowledged after its answer");
    }

    [Fact]
    public async Task AfterRestart_ARetryIsAnsweredFromTheRecord_AndCardHistoryCarriesOn()
    {
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);
        byte[] first;
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, BrokerSettings()))
        {
            first = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-1", 20m, timestamp: "2026-11-27T10:00:00+00:00"));
            await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-2", 30m, timestamp: "2026-11-27T10:10:00+00:00"));
        }

        await using (var restarted = await InProcessAgent.StartAsync(_data.Path, BrokerSettings()))
        {
            var retry = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-1", 20m, timestamp: "2026-11-27T10:00:00+00:00"));
            Assert.Equal(first, retry);
            Assert.Equal(0, restarted.Metrics.Scored);
            Assert.Equal(1, restarted.Metrics.Duplicates);
            await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-3", 40m, timestamp: "2026-11-27T10:20:00+00:00"));
        }

        using var record = new AgentRecord(_data.Path);
        var features = record.Outcome("tx-3")!.Features!;
        var names = FeatureSchema.Names.ToList();
        Assert.Equal(2f, features[names.IndexOf("card_count_7d")]);
        Assert.Equal(2f, features[names.IndexOf("card_count_1h")]);
        Assert.Equal(2f, features[names.IndexOf("merchant_count_1h")]);
        Assert.Equal(3, record.Outcomes.Count);
    }

    [Fact]
    public async Task PaymentsPublishedWhileTheAgentIsDown_AreScoredWhenItReturns()
    {
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);
        await using (await InProcessAgent.StartAsync(_data.Path, BrokerSettings()))
        {
            // The first connection creates the persistent session that holds payments while the agent is away.
        }

        // Sent once the broker acknowledged it: it holds the payment while no agent is there to answer.
        var (answer, _) = await terminal.SendAsync(Payloads.Topic(), Payloads.Payment("tx-offline"));
        Assert.False(answer.IsCompleted);

        await using var agent = await InProcessAgent.StartAsync(_data.Path, BrokerSettings());
        Assert.Equal("scored", Answers.Status(await answer.WaitAsync(TimeSpan.FromSeconds(30))));
    }

    [Theory]
    [InlineData("Answer")]
    [InlineData("Commit")]
    public async Task KilledBetweenAnswerAndAcknowledgement_TheRedeliveryIsScoredOnceAndAnsweredAlike(string killAfter)
    {
        await using var terminal = await TestTerminal.ConnectAsync(broker.Port);
        var first = new Dictionary<string, byte[]>();
        await using (var doomed = await AgentProcess.StartAsync(_data.Path, BrokerSettings($"Faults:KillAfter={killAfter}", "Faults:TransactionId=tx-crash")))
        {
            first["tx-before"] = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-before", 15m));
            first["tx-crash"] = await terminal.RequestAsync(Payloads.Topic(), Payloads.Payment("tx-crash", 75m));
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("Fault injection: killing the agent", doomed.Output, StringComparison.Ordinal);
        }

        terminal.Drain(); // the answers already awaited above
        var repeated = new Dictionary<string, byte[]>();
        await using (var restarted = await AgentProcess.StartAsync(_data.Path, BrokerSettings()))
        {
            // The broker redelivers whatever was never acknowledged: tx-crash for sure, tx-before if the kill
            // came before its acknowledgement. Each is answered again.
            while (!repeated.ContainsKey("tx-crash"))
            {
                var answer = (await terminal.NextAsync(TimeSpan.FromSeconds(30))).Payload;
                repeated[Answers.Parse(answer).GetProperty("transactionId").GetString()!] = answer;
            }

            await restarted.StopAsync(TimeSpan.FromSeconds(30));
            Assert.True(restarted.Output.Contains("every recorded payment was answered and acknowledged", StringComparison.Ordinal), restarted.Output);
        }

        // Killed after the commit, the record answers; killed after the answer but before the commit, the answer journal
        // is recorded at the restart and answers: either way the repeat is the first answer, byte for byte.
        foreach (var (transaction, answer) in repeated)
        {
            Assert.Equal(first[transaction], answer);
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Single(record.Outcomes, o => o.TransactionId == "tx-crash");
        Assert.Single(record.Outcomes, o => o.TransactionId == "tx-before");
        Assert.Equal(2, AgentRecord.CardPayments(record.Cards.Single()));
    }
}
