using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The answer journal is the acknowledgement point and LiteDB is fed behind it: the agent (embedded broker, so the
/// terminal's PUBACK is the agent's own acknowledgement) is killed with SIGKILL right after its acknowledgements while
/// LiteDB has none of them (its interval set far beyond the test). After the restart every acknowledged payment is in the
/// record, and its redelivery gets the first answer, byte for byte.
/// </summary>
public sealed class JournalAcknowledgementKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Payments = 40;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task KilledRightAfterAcknowledging_WhileLiteDbIsBehind_EveryAcknowledgedPaymentIsRecorded_AndItsRepeatGetsTheFirstAnswer()
    {
        string[] settings =
        [
            $"Mqtt:Port={_port}", "Inference:Provider=Cpu", "Pipeline:RecordIntervalMilliseconds=600000", "Pipeline:RecordGroupPayments=100000",
        ];
        var first = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var agent = await AgentProcess.StartAsync(_data.Path, settings);
        try
        {
            await using (var terminal = await TestTerminal.ConnectAsync(_port))
            {
                for (var i = 0; i < Payments; i++)
                {
                    // Returns once the PUBACK and the answer are both in: acknowledged by the agent.
                    var id = $"jk-{i:D3}";
                    first[id] = await terminal.RequestAsync(Payloads.Topic("store-9"), Payloads.Payment(id, 10m + i), TimeSpan.FromSeconds(60));
                    Assert.Equal("scored", Answers.Status(first[id]));
                }
            }

            await agent.DisposeAsync(); // SIGKILL right after the last acknowledgement

            // LiteDB was behind: none of the acknowledged payments is in it, only in the journal.
            using (var before = new AgentRecord(_data.Path))
            {
                Assert.Empty(before.Outcomes);
            }

            agent = await AgentProcess.StartAsync(_data.Path, settings);
            await using (var terminal = await TestTerminal.ConnectAsync(_port))
            {
                foreach (var (id, answer) in first)
                {
                    var again = await terminal.RequestAsync(Payloads.Topic("store-9"), Payloads.Payment(id, 10m + int.Parse(id[3..], System.Globalization.CultureInfo.InvariantCulture)),
                        TimeSpan.FromSeconds(60));
                    Assert.Equal(answer, again);
                }
            }

            await agent.StopAsync(TimeSpan.FromSeconds(30));
            output.WriteLine(agent.Output.Split('\n').FirstOrDefault(l => l.Contains("recovered", StringComparison.OrdinalIgnoreCase)) ?? "(no recovery line)");
        }
        finally
        {
            await agent.DisposeAsync();
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Equal(Payments, record.Outcomes.Count);
        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
        foreach (var outcome in record.Outcomes)
        {
            Assert.Equal(first[outcome.TransactionId!], record.Answer(outcome));
        }
    }
}
