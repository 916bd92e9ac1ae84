using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The agent with its embedded broker, killed with SIGKILL while MQTT.js terminals (persistent sessions, reconnecting,
/// resubscribing, resending) pay: the broker's sessions die with it, yet every terminal gets an answer for every payment
/// it published, every repeat is the first answer, and every payment is recorded once.
/// </summary>
public sealed class EmbeddedKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Terminals = 4;
    private const int PerTerminal = 400;
    private const int Kills = 3;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task KilledWhileMqttJsTerminalsPay_EveryTerminalGetsEveryAnswer()
    {
        var random = FaultSeed.Next(output);
        string[] settings = [$"Mqtt:Port={_port}", "Inference:Provider=Cpu"];
        var ledger = new PaymentLedger();
        var agent = await AgentProcess.StartAsync(_data.Path, settings);
        var terminals = new List<MqttJsStream>();
        try
        {
            for (var t = 0; t < Terminals; t++)
            {
                // One payment every 100 ms (40 s in all), so that payments are still being sent at the third kill: three restarts
                // take longer than a faster stream lasts, and a stream that has ended leaves nothing in flight to kill.
                terminals.Add(MqttJsStream.Start(_port, "store-3", "js" + t, PerTerminal, 100, ledger));
            }

            for (var kill = 0; kill < Kills; kill++)
            {
                // Killed once answers flow again after the last restart (100 more than at the restart), at a random moment after that.
                // Under a loaded machine the restarts can outlast the stream: a stream that has ended leaves nothing to kill.
                var before = terminals.Sum(t => t.Answers().Count());
                bool AllAcknowledged() => terminals.All(t => t.Acknowledged().Count == PerTerminal);
                await Eventually.TrueAsync(() => terminals.Sum(t => t.Answers().Count()) >= before + 100 || AllAcknowledged(), "answers flow", TimeSpan.FromSeconds(60));
                if (AllAcknowledged())
                {
                    output.WriteLine($"every payment acknowledged before kill {kill + 1}: no more kills");
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 1500)));
                await agent.DisposeAsync(); // SIGKILL: the broker and its sessions go with the agent
                output.WriteLine($"kill {kill + 1}: {terminals.Sum(t => t.Answers().Count())} answers so far");
                agent = await AgentProcess.StartAsync(_data.Path, settings);
            }

            foreach (var terminal in terminals)
            {
                await terminal.DoneAsync(TimeSpan.FromSeconds(120));
            }

            var all = await Eventually.WithinAsync(() => Collect(terminals).Unanswered().Count == 0, TimeSpan.FromSeconds(60));
            Assert.True(all, "every payment is answered at its terminal: " + Collect(terminals).Summary()
                + "; reconnections " + string.Join(",", terminals.Select(t => t.Connects - 1)));
            await agent.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await agent.DisposeAsync();
        }

        foreach (var answer in terminals.SelectMany(t => t.Answers()))
        {
            ledger.Answered(answer);
        }

        output.WriteLine($"{ledger.Summary()}; reconnections {terminals.Sum(t => t.Connects) - Terminals}");
        foreach (var terminal in terminals)
        {
            await terminal.DisposeAsync();
        }

        Assert.Empty(ledger.Unanswered());
        Assert.Empty(ledger.DifferingRepeats());
        Assert.Empty(ledger.Strays);
        using var record = new AgentRecord(_data.Path);
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
        foreach (var outcome in record.Outcomes)
        {
            Assert.Equal(ledger.AnswersOf(outcome.TransactionId!)[0], record.Answer(outcome));
        }
    }

    private static PaymentLedger Collect(List<MqttJsStream> terminals)
    {
        var ledger = new PaymentLedger();
        for (var t = 0; t < Terminals; t++)
        {
            for (var i = 0; i < PerTerminal; i++)
            {
                ledger.Sent(PaymentFlow.TransactionId("js" + t, i), []);
            }
        }

        foreach (var answer in terminals.SelectMany(t => t.Answers()))
        {
            ledger.Answered(answer);
        }

        return ledger;
    }
}
