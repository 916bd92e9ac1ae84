using EdgeAgent.FaultTests.Support;
using EdgeAgent.Testing.Emulator;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The agent behind a persistent mosquitto, killed with SIGKILL at random moments while terminals pay, with the cloud
/// down for part of the time: every payment is answered, every repeat is the first answer byte for byte, every payment
/// is recorded once, and every record reaches the cloud.
/// </summary>
public sealed class AgentKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Terminals = 6;
    private const int PerTerminal = 500;
    private const int Kills = 4;
    private readonly TempDirectory _data = new();
    private readonly IoTHubEmulator _hub = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private PersistentMosquitto _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await PersistentMosquitto.StartAsync();
        await _hub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task KilledAtRandomMoments_WithACloudOutage_NothingIsMissing()
    {
        var random = FaultSeed.Next(output);
        string[] settings =
        [
            "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2",
            "Inference:Provider=Cpu", .. _hub.AgentSettings(),
        ];
        var ledger = new PaymentLedger();
        var agent = await AgentProcess.StartAsync(_data.Path, settings);
        var terminals = new List<StreamTerminal>();
        try
        {
            for (var t = 0; t < Terminals; t++)
            {
                terminals.Add(await StreamTerminal.ConnectAsync(_broker.Port, "store-1", "t" + t, ledger, () => 0));
            }

            var flow = PaymentFlow.RunAsync(terminals, PerTerminal, TimeSpan.FromMilliseconds(20));
            for (var kill = 0; kill < Kills; kill++)
            {
                await Task.WhenAny(flow, Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 2500))));
                await agent.DisposeAsync(); // SIGKILL
                output.WriteLine($"kill {kill + 1} after {ledger.Count} payments sent, {ledger.AnswerCount} answers");
                if (kill == 1)
                {
                    await _hub.StopAsync(); // the cloud goes away for the rest of the flow
                }

                agent = await AgentProcess.StartAsync(_data.Path, settings);
            }

            await flow;
            Assert.Equal(Terminals * PerTerminal, ledger.Count);
            await _hub.StartAsync();
            await Eventually.TrueAsync(() => ledger.Unanswered().Count == 0, () => "every payment is answered: " + ledger.Summary(), TimeSpan.FromSeconds(120));
            await Eventually.TrueAsync(() => _hub.RecordSequences().Count >= ledger.Count, "every record reached the cloud", TimeSpan.FromSeconds(120));
            await agent.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }

            await agent.DisposeAsync();
        }

        output.WriteLine(ledger.Summary());
        foreach (var id in ledger.DifferingRepeats())
        {
            output.WriteLine($"{id}: " + string.Join(" | ", ledger.AnswersOf(id).Select(a => System.Text.Encoding.UTF8.GetString(a))));
        }

        Assert.Empty(ledger.DifferingRepeats());
        Assert.Empty(ledger.Strays);
        using var record = new AgentRecord(_data.Path);
        Assert.Equal(ledger.Count, record.Outcomes.Count);
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
        foreach (var outcome in record.Outcomes)
        {
            Assert.Equal(ledger.AnswersOf(outcome.TransactionId!)[0], record.Answer(outcome));
        }

        Assert.Equal(record.Outcomes.Select(o => o.Sequence).Order(), _hub.RecordSequences());
    }
}
