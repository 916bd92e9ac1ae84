using EdgeAgent.FaultTests.Support;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// The data folder on a small tmpfs that fills up while terminals pay through mosquitto: intake pauses (no acknowledgement,
/// readiness 503, the pause metric), stays paused past the grace that applies to other store failures, and resumes by
/// itself when space returns; every payment is then answered and recorded, nothing acknowledged is lost.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Before = 30;
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private readonly MosquittoBroker _broker = new();
    private SmallDisk _disk = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _disk = await SmallDisk.MountAsync(48);
    }

    public async Task DisposeAsync()
    {
        await _disk.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task FullDisk_PausesIntake_AndItResumesWhenSpaceReturns_NothingLost()
    {
        var data = Path.Combine(_disk.Path, "data");
        await using var terminal = await TestTerminal.ConnectAsync(_broker.Port);
        using var http = new HttpClient();
        var answers = new List<Task<byte[]>>();
        await using (var agent = await InProcessAgent.StartAsync(data, "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}",
            "Inference:Provider=Cpu", "Storage:MinFreeMegabytes=12", "Storage:AnswerJournalMegabytes=1", "Pipeline:StoreUnavailableGraceSeconds=1"))
        {
            for (var i = 0; i < Before; i++)
            {
                Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic("store-6"), Payloads.Payment($"before-{i}", 10m + i))));
            }

            await Eventually.TrueAsync(() => agent.Metrics.Acknowledged == Before, "the first payments are acknowledged");
            _disk.FillLeaving(6 * 1024 * 1024);
            output.WriteLine($"free after filling: {_disk.FreeBytes / 1024} KB");
            // Terminals go on paying; the reserve is checked at most every 250 ms, at a commit.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (agent.Metrics.IntakePauses.GetValueOrDefault("disk_full") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"intake pauses on the full disk: acknowledged {agent.Metrics.Acknowledged}, commit failures {agent.Metrics.PersistFailures}, free {_disk.FreeBytes / 1024} KB");
                answers.Add((await terminal.SendAsync(Payloads.Topic("store-6"), Payloads.Payment($"during-{answers.Count}", 10m + answers.Count))).Answer);
                await Task.Delay(50);
            }

            // A few more while paused: the broker keeps them. Those sent before the pause may still be acknowledged: the
            // journal, preallocated, takes them durably while LiteDB cannot. Those sent after it are not taken in at all.
            var sentBeforePause = answers.Count;
            var whilePaused = new List<Task<byte[]>>();
            for (var i = 0; i < 10; i++)
            {
                whilePaused.Add((await terminal.SendAsync(Payloads.Topic("store-6"), Payloads.Payment($"during-{answers.Count}", 10m + answers.Count))).Answer);
                answers.Add(whilePaused[^1]);
            }

            var failures = agent.Metrics.PersistFailures;
            var ready = await http.GetAsync(agent.BaseUrl + "/health/ready");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("disk full", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(1, PrometheusText.Value(await http.GetStringAsync(agent.BaseUrl + "/metrics"), "edgeagent_intake_paused", ("reason", "disk_full")));

            // The commit is retried while the disk stays full, for longer than the 1 s grace that stops the agent on other
            // store failures; nothing sent after the pause is acknowledged meanwhile. Counted in retries, not read off a clock: the record's
            // backoff waits 50 ms, then twice as long each time (no jitter), on the agent's own TimeProvider, so five more
            // failures come after at least five waits, 50 + 100 + 200 + 400 + 800 ms = 1.55 s of the agent's time since the first.
            await Eventually.TrueAsync(() => agent.Metrics.PersistFailures >= failures + 5, "the commit is retried on the full disk", TimeSpan.FromSeconds(60));
            Assert.InRange(agent.Metrics.Acknowledged, Before, Before + sentBeforePause);
            Assert.All(whilePaused, answer => Assert.False(answer.IsCompleted, "a payment sent while intake is paused is not answered"));
            Assert.True(agent.Status.IsReady is false);
            output.WriteLine($"acknowledged while paused {agent.Metrics.Acknowledged} of {Before + sentBeforePause} sent before the pause");

            _disk.Free();
            await Eventually.TrueAsync(() => agent.Metrics.IntakeResumes == 1, "intake resumes once space returns", TimeSpan.FromSeconds(30));
            foreach (var answer in answers)
            {
                Assert.Equal("scored", Answers.Status(await answer.WaitAsync(TimeSpan.FromSeconds(30))));
            }

            await Eventually.TrueAsync(() => agent.Metrics.Acknowledged >= Before + answers.Count, "every payment is acknowledged", TimeSpan.FromSeconds(30));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(agent.BaseUrl + "/health/ready")).StatusCode);
            output.WriteLine($"commit retries {agent.Metrics.PersistFailures}");
        }

        using var record = new AgentRecord(data);
        Assert.Equal(Before + answers.Count, record.Outcomes.Count);
    }
}
