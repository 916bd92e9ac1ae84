using EdgeAgent.FaultTests.Support;

namespace EdgeAgent.FaultTests;

/// <summary>
/// A message that kills the agent each time it is handled, redelivered by a persistent mosquitto after every restart:
/// after <c>Pipeline:PoisonCrashLimit</c> crashes it is refused as <c>poison_message</c> and acknowledged, and the agent
/// stays up and scores the next payment. No crash loop.
/// </summary>
public sealed class PoisonCrashTests : IAsyncLifetime
{
    private const int CrashLimit = 2;
    private readonly TempDirectory _data = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private PersistentMosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await PersistentMosquitto.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task MessageThatKillsTheAgent_IsRefusedAsPoisonAfterTheLimit_AndTheAgentStaysUp()
    {
        string[] settings =
        [
            "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2",
            "Inference:Provider=Cpu", $"Pipeline:PoisonCrashLimit={CrashLimit}", "Faults:KillAfter=Scoring", "Faults:TransactionId=tx-poison",
        ];
        await using var terminal = await TestTerminal.ConnectAsync(_broker.Port);
        await using (await AgentProcess.StartAsync(_data.Path, settings))
        {
            // The first connection creates the persistent session that keeps the message across the crashes.
        }

        var (poison, _) = await terminal.SendAsync(Payloads.Topic("store-5"), Payloads.Payment("tx-poison"));
        var crashes = 0;
        AgentProcess? survivor = null;
        for (var start = 0; start <= CrashLimit && survivor is null; start++)
        {
            AgentProcess? agent = null;
            try
            {
                agent = await AgentProcess.StartAsync(_data.Path, settings);
                var exited = agent.WaitForExitAsync(TimeSpan.FromSeconds(60));
                if (await Task.WhenAny(poison, exited) == poison)
                {
                    survivor = agent;
                    agent = null;
                    break;
                }

                await exited;
                Assert.Contains("Fault injection: killing the agent", agent.Output, StringComparison.Ordinal);
                crashes++;
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("Fault injection: killing the agent", StringComparison.Ordinal))
            {
                crashes++; // it died on the message before it said it was ready
            }
            finally
            {
                if (agent is not null)
                {
                    await agent.DisposeAsync();
                }
            }
        }

        Assert.NotNull(survivor);
        await using (survivor)
        {
            var refusal = await poison.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(CrashLimit, crashes);
            Assert.Equal("rejected", Answers.Status(refusal));
            Assert.Equal(["poison_message"], Answers.ErrorCodes(refusal));

            var next = await terminal.RequestAsync(Payloads.Topic("store-5"), Payloads.Payment("tx-after"));
            Assert.Equal("scored", Answers.Status(next));
            Assert.False(survivor.HasExited);
            await survivor.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("refused as poison_message and acknowledged", survivor.Output, StringComparison.Ordinal);
        }

        // Acknowledged: the broker does not hand it over again.
        await using (var again = await AgentProcess.StartAsync(_data.Path, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Inference:Provider=Cpu"))
        {
            var probe = await terminal.RequestAsync(Payloads.Topic("store-5"), Payloads.Payment("tx-probe"));
            Assert.Equal("scored", Answers.Status(probe));
            await again.StopAsync(TimeSpan.FromSeconds(30));
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Single(record.DeadLetters, d => d.Errors.Any(e => e.Code == "poison_message"));
        Assert.Equal(["tx-after", "tx-probe"], record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
    }
}
