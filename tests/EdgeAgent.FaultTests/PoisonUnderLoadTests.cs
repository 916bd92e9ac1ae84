using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// One payment kills the agent each time it is scored (fault injection: <c>Faults:KillAfter=Scoring</c> on its transaction
/// id), with its embedded broker, while MQTT.js terminals flood it. At each start the poison's terminal connects once the
/// others' burst is being answered, so the poison waits in a full queue, and the payments its terminal sends right behind
/// it queue up behind it: bystanders of every crash. After the default <c>Pipeline:PoisonCrashLimit</c> (3) crashes the
/// poison is refused as <c>poison_message</c>; none of the payments queued at a crash, or in the poison's first batch,
/// is: every one of them is scored, answered and recorded.
/// </summary>
public sealed class PoisonUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Terminals = 4;
    private const int PerBurst = 800;
    private const int PoisonTerminalPayments = 21;
    private const int CrashLimit = 3;
    private const string PoisonTerminal = "jsp";
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task PoisonCrashesTheAgentThreeTimesUnderLoad_OnlyThePoisonIsRefused()
    {
        // The poison terminal's first payment is the poison; the 20 after it are innocent and sent at once behind it.
        var poison = PaymentFlow.TransactionId(PoisonTerminal, 0);
        string[] settings = [$"Mqtt:Port={_port}", "Inference:Provider=Cpu", "Faults:KillAfter=Scoring", $"Faults:TransactionId={poison}"];
        var ledger = new PaymentLedger();
        var bystanders = new List<MqttJsStream>();
        MqttJsStream? poisonTerminal = null;
        var crashes = 0;
        AgentProcess? agent = await AgentProcess.StartAsync(_data.Path, settings);
        try
        {
            for (var start = 0; ; start++)
            {
                // A burst of fresh payments from new terminals at each start (resent payments go one at a time, no burst),
                // and the poison's terminal, as a terminal that gave up and sends again, connected and let send once the
                // burst is being answered: the scoring loop is busy and its queue full.
                var gate = Path.Combine(_data.Path, $"poison-terminal-{start}.gate");
                poisonTerminal = MqttJsStream.StartGated(_port, "store-4", PoisonTerminal, PoisonTerminalPayments, 0, ledger, gate);
                var burst = Enumerable.Range(0, Terminals).Select(t => MqttJsStream.Start(_port, "store-4", $"b{start}t{t}", PerBurst, 0, ledger)).ToList();
                bystanders.AddRange(burst);
                await Eventually.TrueAsync(() => burst.Sum(t => t.Answers().Count()) >= 100, "the burst is being answered", TimeSpan.FromSeconds(120));
                await File.WriteAllTextAsync(gate, "open");
                if (start == CrashLimit)
                {
                    break;
                }

                await agent.WaitForExitAsync(TimeSpan.FromSeconds(120));
                Assert.Contains("Fault injection: killing the agent at Scoring of transaction " + poison, agent.Output, StringComparison.Ordinal);
                crashes++;
                output.WriteLine($"crash {crashes}: {bystanders.Sum(t => t.Answers().Count())} answers at the other terminals so far");
                await poisonTerminal.DisposeAsync();
                poisonTerminal = null;
                await agent.DisposeAsync();
                agent = null;
                agent = await AgentProcess.StartAsync(_data.Path, settings);
                output.WriteLine(string.Join('\n', Lines(agent.Output, "crash")));
            }

            List<MqttJsStream> terminals = [.. bystanders, poisonTerminal];
            foreach (var terminal in terminals)
            {
                await terminal.DoneAsync(TimeSpan.FromSeconds(180));
            }

            // Every payment is acknowledged; each is answered under its own transaction id, or refused without one.
            var settled = await Eventually.WithinAsync(() => Collect(terminals) is var seen && seen.Unanswered().Count <= seen.Strays.Count, TimeSpan.FromSeconds(60));
            Assert.True(settled, "every payment is answered: " + Collect(terminals).Summary());
            Assert.Equal(CrashLimit, crashes);
            Assert.False(agent.HasExited);
            await agent.StopAsync(TimeSpan.FromSeconds(30));

            var all = Collect(terminals);
            output.WriteLine($"{all.Summary()}; reconnections {terminals.Sum(t => t.Connects) - terminals.Count}");

            // The poison's refusal names no transaction (its payload is never parsed): the one answer without one. An
            // innocent payment refused as poison would be a second, and would have no answer of its own.
            Assert.True(all.Strays.Count == 1, $"only the poison is refused as poison_message, but {all.Strays.Count} payments were; unanswered: {string.Join(", ", all.Unanswered())}");
            var refusal = System.Text.Encoding.UTF8.GetBytes(Assert.Single(all.Strays));
            Assert.Equal("rejected", Answers.Status(refusal));
            Assert.Equal(["poison_message"], Answers.ErrorCodes(refusal));
            Assert.Equal([poison], all.Unanswered());
            Assert.Empty(all.DifferingRepeats());
            Assert.Single(Lines(agent.Output, "refused as poison_message"));
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }

            foreach (var terminal in bystanders)
            {
                await terminal.DisposeAsync();
            }

            if (poisonTerminal is not null)
            {
                await poisonTerminal.DisposeAsync();
            }
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Single(record.DeadLetters, d => d.Errors.Any(e => e.Code == "poison_message"));
        Assert.Equal(
            Collect([]).TransactionIds.Where(t => t != poison).Order(StringComparer.Ordinal),
            record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Lines(string text, string containing) =>
        text.Split('\n').Where(line => line.Contains(containing, StringComparison.Ordinal));

    private static PaymentLedger Collect(List<MqttJsStream> terminals)
    {
        var ledger = new PaymentLedger();
        for (var start = 0; start <= CrashLimit; start++)
        {
            for (var t = 0; t < Terminals; t++)
            {
                for (var i = 0; i < PerBurst; i++)
                {
                    ledger.Sent(PaymentFlow.TransactionId($"b{start}t{t}", i), []);
                }
            }
        }

        for (var i = 0; i < PoisonTerminalPayments; i++)
        {
            ledger.Sent(PaymentFlow.TransactionId(PoisonTerminal, i), []);
        }

        foreach (var answer in terminals.SelectMany(t => t.Answers()))
        {
            ledger.Answered(answer);
        }

        return ledger;
    }
}
