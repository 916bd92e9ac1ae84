using EdgeAgent.FaultTests.Support;
using EdgeAgent.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// One payment among a load of others kills the agent each time it is scored (fault injection: <c>Faults:KillAfter=Scoring</c>
/// on its transaction id), with its embedded broker, while MQTT.js terminals pipeline payments into it; the terminals
/// reconnect and resend after each crash, so every restart meets a burst that queues inside the agent while the poison
/// is scored. After the default <c>Pipeline:PoisonCrashLimit</c> (3) crashes the poison is refused as
/// <c>poison_message</c>; the payments that were queued, or in the poison's first batch, at any of the crashes are not:
/// every one of them is scored, answered and recorded.
/// </summary>
public sealed class PoisonUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Terminals = 4;
    private const int PerTerminal = 300;
    private const int PoisonTerminalPayments = 100;
    private const int PoisonIndex = 30;
    private const int CrashLimit = 3;
    private const string PoisonTerminal = "jsp";
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task PoisonCrashesTheAgentThreeTimesUnderLoad_OnlyThePoisonIsRefused()
    {
        var poison = PaymentFlow.TransactionId(PoisonTerminal, PoisonIndex);
        string[] settings = [$"Mqtt:Port={_port}", "Inference:Provider=Cpu", "Faults:KillAfter=Scoring", $"Faults:TransactionId={poison}"];
        var ledger = new PaymentLedger();
        var terminals = new List<MqttJsStream>();
        var crashes = 0;
        AgentProcess? survivor = null;
        try
        {
            for (var start = 0; start <= CrashLimit && survivor is null; start++)
            {
                AgentProcess? agent = null;
                try
                {
                    agent = await AgentProcess.StartAsync(_data.Path, settings);
                    if (terminals.Count == 0)
                    {
                        // Pipelined: a payment every 2 ms from each terminal, and what piles up while the agent is down is
                        // sent at once when the terminal reconnects.
                        for (var t = 0; t < Terminals; t++)
                        {
                            terminals.Add(MqttJsStream.Start(_port, "store-4", "js" + t, PerTerminal, 2, ledger));
                        }

                        terminals.Add(MqttJsStream.Start(_port, "store-4", PoisonTerminal, PoisonTerminalPayments, 2, ledger));
                    }

                    if (start == CrashLimit)
                    {
                        survivor = agent;
                        agent = null;
                        break;
                    }

                    await agent.WaitForExitAsync(TimeSpan.FromSeconds(120));
                    Assert.Contains("Fault injection: killing the agent at Scoring of transaction " + poison, agent.Output, StringComparison.Ordinal);
                    crashes++;
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("Fault injection: killing the agent", StringComparison.Ordinal))
                {
                    crashes++; // the resent poison killed it before it said it was ready
                }
                finally
                {
                    if (agent is not null)
                    {
                        await agent.DisposeAsync();
                    }
                }

                output.WriteLine($"crash {crashes}: {terminals.Sum(t => t.Answers().Count())} answers so far");
            }

            Assert.Equal(CrashLimit, crashes);
            Assert.NotNull(survivor);
            foreach (var terminal in terminals)
            {
                await terminal.DoneAsync(TimeSpan.FromSeconds(180));
            }

            var answered = await Wait.UntilAsync(() => Collect(terminals).Unanswered().Count <= 1, TimeSpan.FromSeconds(60));
            Assert.True(answered, "every payment but the poison is answered: " + Collect(terminals).Summary());
            Assert.False(survivor.HasExited);
            await survivor.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Single(Lines(survivor.Output, "refused as poison_message"));
        }
        finally
        {
            if (survivor is not null)
            {
                await survivor.DisposeAsync();
            }

            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }
        }

        var all = Collect(terminals);
        output.WriteLine($"{all.Summary()}; reconnections {terminals.Sum(t => t.Connects) - terminals.Count}");

        // The poison's refusal names no transaction (its payload is never parsed): the one answer without one. An innocent
        // payment refused as poison would be a second, and would have no answer of its own.
        var refusal = Assert.Single(all.Strays);
        Assert.Equal("rejected", Answers.Status(System.Text.Encoding.UTF8.GetBytes(refusal)));
        Assert.Equal(["poison_message"], Answers.ErrorCodes(System.Text.Encoding.UTF8.GetBytes(refusal)));
        Assert.Equal([poison], all.Unanswered());
        Assert.Empty(all.DifferingRepeats());
        Assert.Single(terminals.SelectMany(t => t.Answers()), a => Answers.ErrorCodes(a).Contains("poison_message"));

        using var record = new AgentRecord(_data.Path);
        Assert.Single(record.DeadLetters, d => d.Errors.Any(e => e.Code == "poison_message"));
        Assert.Equal(
            all.TransactionIds.Where(t => t != poison).Order(StringComparer.Ordinal),
            record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Lines(string text, string containing) =>
        text.Split('\n').Where(line => line.Contains(containing, StringComparison.Ordinal));

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
