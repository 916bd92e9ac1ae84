using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// Crashes that no message caused: terminals queue a backlog of 5,000 payments at a persistent mosquitto while the agent
/// is away, and the agent is killed (SIGKILL) three times while it works through it. With the default
/// <c>Pipeline:PoisonCrashLimit</c> (3), no payment is refused as <c>poison_message</c>, and every one is answered and
/// recorded once. (Through mosquitto the agent takes messages one at a time, so few wait inside it; that messages waiting
/// in its queue are never charged is shown in <c>PipelineIsolationTests</c>.)
/// </summary>
public sealed class PoisonBystanderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Terminals = 5;
    private const int PerTerminal = 1000;
    private const int Kills = 3;
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
    public async Task KilledThreeTimesWithABacklog_NoBystanderIsRefusedAsPoison()
    {
        var random = FaultSeed.Next(output);
        string[] settings =
        [
            "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2",
            "Inference:Provider=Cpu",
        ];
        await using (await AgentProcess.StartAsync(_data.Path, settings))
        {
            // The first connection creates the persistent session that queues payments while the agent is away.
        }

        var ledger = new PaymentLedger();
        var terminals = new List<StreamTerminal>();
        AgentProcess? agent = null;
        try
        {
            for (var t = 0; t < Terminals; t++)
            {
                terminals.Add(await StreamTerminal.ConnectAsync(_broker.Port, "store-3", "t" + t, ledger, () => 0));
            }

            await PaymentFlow.RunAsync(terminals, PerTerminal, TimeSpan.Zero);
            for (var kill = 0; kill < Kills; kill++)
            {
                agent = await AgentProcess.StartAsync(_data.Path, settings);

                // Killed in the middle of the backlog: some answers out, most payments still queued in the agent.
                var before = ledger.AnswerCount;
                var after = random.Next(1, 60);
                await Eventually.TrueAsync(() => ledger.AnswerCount >= before + after, "answers flow after the restart", TimeSpan.FromSeconds(60));
                await agent.DisposeAsync(); // SIGKILL
                output.WriteLine($"kill {kill + 1} after {ledger.AnswerCount} answers");
                agent = null;
            }

            agent = await AgentProcess.StartAsync(_data.Path, settings);
            var last = agent;
            await Eventually.TrueAsync(
                () => ledger.Unanswered().Count == 0,
                () => $"every payment is answered: {ledger.Summary()}; the agent {(last.HasExited ? "exited" : "runs")}, its last lines:\n{last.OutputTail(40)}\nmosquitto's last lines:\n{_broker.LogTail}",
                TimeSpan.FromSeconds(180));
            await agent.StopAsync(TimeSpan.FromSeconds(30));
            Assert.DoesNotContain("refused as poison_message", agent.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }

            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }

        output.WriteLine(ledger.Summary());

        // A poison refusal names no transaction (the payload is never parsed): it would be a stray answer.
        Assert.Empty(ledger.Strays);
        Assert.Empty(ledger.DifferingRepeats());
        using var record = new AgentRecord(_data.Path);
        Assert.DoesNotContain(record.DeadLetters, d => d.Errors.Any(e => e.Code == "poison_message"));
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
    }
}
