using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The data folder on a file system whose flush the test holds (stallfs), while terminals pay through mosquitto: the
/// answers keep coming while nothing is acknowledged; once the payments answered and not yet recorded reach
/// <c>Pipeline:RecordBacklog</c>, scoring waits and intake pauses (the rest wait at the broker, nothing is dropped); when the
/// flush is let go, every payment is answered, acknowledged and recorded once.
/// </summary>
public sealed class StalledFlushTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Backlog = 32;
    private const int BatchSize = 4;
    private const int Warm = 5;
    private const int WhileHeld = 20;
    private const int PastTheBound = 60;
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private readonly MosquittoBroker _broker = new();
    private StallingDisk _disk = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _disk = await StallingDisk.MountAsync();
    }

    public async Task DisposeAsync()
    {
        await _disk.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task HeldFlush_AnswersKeepFlowing_AcknowledgementsWait_AndIntakePausesAtTheBound()
    {
        var data = Path.Combine(_disk.Path, "data");
        var total = Warm + WhileHeld + PastTheBound;
        var pending = new List<Task<byte[]>>();
        await using var terminal = await TestTerminal.ConnectAsync(_broker.Port);
        await using (var agent = await InProcessAgent.StartAsync(data, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}",
            "Inference:Provider=Cpu", $"Pipeline:RecordBacklog={Backlog}", $"Pipeline:MaxBatchSize={BatchSize}"))
        {
            try
            {
                for (var i = 0; i < Warm; i++)
                {
                    Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic("store-8"), Payloads.Payment($"warm-{i}", 10m + i))));
                }

                await Eventually.TrueAsync(() => agent.Metrics.Acknowledged == Warm, "the first payments are acknowledged", TimeSpan.FromSeconds(30));

                // Acknowledged on the journal's flush; LiteDB takes them within its interval behind.
                await Eventually.TrueAsync(() => agent.Status.Pipeline!.UnrecordedPayments == 0, "the first payments are in LiteDB", TimeSpan.FromSeconds(30));

                // The device stops completing flushes: the next commit waits in fdatasync.
                _disk.Hold();
                for (var i = 0; i < WhileHeld; i++)
                {
                    Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic("store-8"), Payloads.Payment($"held-{i}", 20m + i),
                        TimeSpan.FromSeconds(60))));
                    if (i == 0)
                    {
                        await Eventually.TrueAsync(() => _disk.HeldFlushes > 0, "the record's flush is held by the device", TimeSpan.FromSeconds(30));
                    }
                }

                // Answered, every one, while none of them was acknowledged.
                Assert.Equal(Warm, agent.Metrics.Acknowledged);
                Assert.Equal(WhileHeld, agent.Status.Pipeline!.UnrecordedPayments);

                // More than the bound: scoring waits once it is reached, and the rest stay received but unscored.
                for (var i = 0; i < PastTheBound; i++)
                {
                    pending.Add((await terminal.SendAsync(Payloads.Topic("store-8"), Payloads.Payment($"past-{i}", 30m + i))).Answer);
                }

                await Eventually.TrueAsync(() => agent.Metrics.RecordWaits > 0, "scoring waits for the record", TimeSpan.FromSeconds(60));
                var pipeline = agent.Status.Pipeline!;
                var unrecorded = pipeline.UnrecordedPayments;
                var received = agent.Metrics.Received;
                var answered = pending.Count(a => a.IsCompleted);
                output.WriteLine($"at the bound: unrecorded {unrecorded}, received {received} of {total}, answered past the bound {answered}");

                // The bound holds to within a batch (admitted whole), and one more answered batch waits to be admitted. The
                // receiving thread is the one that waits, so the rest stay with the broker: intake has paused.
                Assert.InRange(unrecorded, Backlog, Backlog + BatchSize - 1);
                Assert.InRange(received, Warm + Backlog, Warm + Backlog + (2 * BatchSize));
                Assert.True(answered <= Backlog + (2 * BatchSize) - WhileHeld, $"no answer beyond the bound and the batch waiting: {answered}");
                Assert.Equal(Warm, agent.Metrics.Acknowledged);
            }
            finally
            {
                _disk.Release();
            }

            foreach (var answer in pending)
            {
                Assert.Equal("scored", Answers.Status(await answer.WaitAsync(TimeSpan.FromSeconds(60))));
            }

            await Eventually.TrueAsync(() => agent.Metrics.Acknowledged == total, "every payment is acknowledged once the flush is let go", TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => agent.Status.Pipeline!.UnrecordedPayments == 0, "every payment is in LiteDB", TimeSpan.FromSeconds(60));
        }

        using var record = new AgentRecord(data);
        Assert.Equal(total, record.Outcomes.Count);
        Assert.Equal(total, record.Outcomes.Select(o => o.TransactionId).Distinct().Count());
    }
}
