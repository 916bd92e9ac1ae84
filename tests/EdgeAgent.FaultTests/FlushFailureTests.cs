using EdgeAgent.FaultTests.Support;
using EdgeAgent.Testing.Emulator;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The record's flush (<c>fdatasync</c> of LiteDB's log) fails once with EIO while terminals pay through a persistent
/// mosquitto and the cloud is up: intake pauses and resumes, the agent does not stop, every payment is answered and
/// recorded once, and the cloud receives each record once.
/// </summary>
public sealed class FlushFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Terminals = 3;
    private const int PerTerminal = 100;
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
    public async Task AFlushThatFailsOnce_NothingIsLostOrDoubled_AndTheAgentGoesOn()
    {
        string[] settings =
        [
            "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2",
            "Inference:Provider=Cpu", "Faults:FailFlush=3", .. _hub.AgentSettings(),
        ];
        var ledger = new PaymentLedger();
        var terminals = new List<StreamTerminal>();
        await using var agent = await AgentProcess.StartAsync(_data.Path, settings);
        try
        {
            for (var t = 0; t < Terminals; t++)
            {
                terminals.Add(await StreamTerminal.ConnectAsync(_broker.Port, "store-2", "t" + t, ledger, () => 0));
            }

            await PaymentFlow.RunAsync(terminals, PerTerminal, TimeSpan.FromMilliseconds(10));
            await Eventually.TrueAsync(() => ledger.Unanswered().Count == 0, () => "every payment is answered: " + ledger.Summary(), TimeSpan.FromSeconds(120));
            await Eventually.TrueAsync(() => _hub.RecordSequences().Count >= ledger.Count, "every record reached the cloud", TimeSpan.FromSeconds(120));

            Assert.False(agent.HasExited, agent.Output);
            Assert.Contains("Intake paused (store_unavailable)", agent.Output, StringComparison.Ordinal);
            Assert.Contains("The record can be written again; intake resumed", agent.Output, StringComparison.Ordinal);
            await agent.StopAsync(TimeSpan.FromSeconds(30));
            Assert.DoesNotContain("The pipeline stopped", agent.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }
        }

        output.WriteLine(ledger.Summary());
        Assert.Empty(ledger.DifferingRepeats());
        using var record = new AgentRecord(_data.Path);
        Assert.Equal(ledger.Count, record.Outcomes.Count);
        Assert.Equal(ledger.TransactionIds.Order(StringComparer.Ordinal), record.Outcomes.Select(o => o.TransactionId!).Order(StringComparer.Ordinal));
        Assert.Equal(record.Outcomes.Count, record.Outcomes.Select(o => o.Sequence).Distinct().Count());

        // Each record reached the cloud once: no record in two messages, none twice in one.
        var sent = _hub.Telemetry.Where(m => m.Type == "records").SelectMany(m => m.Items()).Select(i => i.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(record.Outcomes.Select(o => o.Sequence).Order(), sent.Order());
    }
}
