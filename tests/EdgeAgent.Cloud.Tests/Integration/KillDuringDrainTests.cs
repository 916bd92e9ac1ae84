using EdgeAgent.Testing.Emulator;

namespace EdgeAgent.Cloud.Tests.Integration;

/// <summary>The agent as a child process, killed with SIGKILL while it drains a backlog to the hub: nothing is lost.</summary>
public sealed class KillDuringDrainTests : IAsyncLifetime
{
    private const int Payments = 600;
    private readonly TempDirectory _data = new();
    private readonly IoTHubEmulator _hub = new();
    private readonly int _mqttPort = FreePort.Next();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task KilledMidDrain_EveryRecordArrivesAfterTheRestart_DuplicatesCarryTheSameMessageId()
    {
        string[] Settings(double rate) =>
            [$"Mqtt:Port={_mqttPort}", "Inference:Provider=Cpu", .. _hub.AgentSettings($"Cloud:MaxMessagesPerSecond={rate}", "Cloud:MaxItemsPerMessage=40")];

        await using (var doomed = await AgentProcess.StartAsync(_data.Path, Settings(2)))
        {
            // Four tills, each with one payment outstanding, as a store's terminals pay: the embedded broker reads a
            // connection's next payment once its current one is settled, so payments pipelined on one connection would
            // each wait for all those ahead of it.
            var terminals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestTerminal.ConnectAsync(_mqttPort)));
            try
            {
                await Task.WhenAll(terminals.Select((terminal, n) => CloudAgent.PayAsync(terminal, $"tx{n}", Payments / 4)));
            }
            finally
            {
                foreach (var terminal in terminals)
                {
                    await terminal.DisposeAsync();
                }
            }

            // The hub comes back, takes three messages of the drain and then answers no more: the SIGKILL lands mid-drain
            // however fast the agent drains, with what followed the third message unacknowledged.
            _hub.HoldRecordsAfter(3);
            await _hub.StartAsync();
            await Eventually.TrueAsync(() => _hub.Telemetry.Count(m => m.Type == "records") >= 3, "the drain began", TimeSpan.FromSeconds(60));
        }

        _hub.ReleaseHeld();
        var beforeRestart = _hub.RecordSequences().Count;
        Assert.InRange(beforeRestart, 1, Payments - 1);

        await using var restarted = await AgentProcess.StartAsync(_data.Path, Settings(50));
        await Eventually.TrueAsync(() => _hub.RecordSequences().Count == Payments, "every record arrived after the restart", TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(1, Payments).Select(i => (long)i), _hub.RecordSequences());

        // A message resent after the kill repeats its id and its content: the cloud can drop it by $.mid.
        foreach (var group in _hub.Telemetry.Where(m => m.Type == "records").GroupBy(m => m.MessageId))
        {
            Assert.All(group, m => Assert.Equal(group.First().Body, m.Body));
        }

        var distinct = _hub.Telemetry.Where(m => m.Type == "records").GroupBy(m => m.MessageId).Select(g => g.First());
        Assert.Equal(Payments, distinct.Sum(m => m.Items().Count));
    }
}
