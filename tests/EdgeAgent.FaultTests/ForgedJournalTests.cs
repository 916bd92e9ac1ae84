using System.Text;
using System.Text.Json;
using EdgeAgent.FaultTests.Support;

namespace EdgeAgent.FaultTests;

/// <summary>
/// A terminal (MQTT.js, MQTT 5) whose correlation data holds forged answer-journal entries, at every 8-byte alignment
/// and of both kinds (one that made recovery throw at every start, one that claimed a last sequence of
/// <see cref="long.MaxValue"/>). The agent is killed (SIGKILL) right after answering the last of them, so the journal is
/// read at the next start with the forged bytes both in committed entries and in the one it must recover: the agent
/// starts, records nothing forged, and goes on numbering and recording payments.
/// </summary>
public sealed class ForgedJournalTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _files = new();
    private readonly string _clientId = "agent-" + Guid.NewGuid().ToString("N")[..8];
    private PersistentMosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await PersistentMosquitto.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _data.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task ForgedEntriesInCorrelationData_AfterAKill_TheAgentStarts_AndRecordsNothingForged()
    {
        string[] settings =
        [
            "Mqtt:Host=127.0.0.1", $"Mqtt:Port={_broker.Port}", $"Mqtt:ClientId={_clientId}", "Mqtt:ReconnectMinDelaySeconds=0.2",
            "Inference:Provider=Cpu",
        ];

        // Transaction ids of 8 lengths put the correlation data at every 8-byte alignment of the ring.
        var sent = new List<string>();
        var lines = new StringBuilder();
        foreach (var (kind, forged) in new[] { ("c", ForgedJournalEntry.CrashLoop()), ("i", ForgedJournalEntry.Injection(2)) })
        {
            for (var pad = 0; pad < 8; pad++)
            {
                var transactionId = $"tx-{kind}-" + new string('x', pad);
                sent.Add(transactionId);
                lines.Append(Convert.ToHexString(forged)).Append(' ').Append(Encoding.UTF8.GetString(Payloads.Payment(transactionId)).Trim()).Append('\n');
            }
        }

        var last = sent[^1];
        var file = Path.Combine(_files.Path, "forged.txt");
        await File.WriteAllTextAsync(file, lines.ToString());

        await using (var agent = await AgentProcess.StartAsync(_data.Path, [.. settings, "Faults:KillAfter=Answer", $"Faults:TransactionId={last}"]))
        {
            await using var terminal = ExternalProcess.Start(NodeClients.Node,
                [Path.Combine(NodeClients.Folder, "forged.mjs"), _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Payloads.Topic("store-7"), file],
                NodeClients.Folder);

            // The agent kills itself (SIGKILL) once the last forged payment is answered, before it is recorded.
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.Contains("Fault injection: killing the agent", agent.Output, StringComparison.Ordinal);

            await using var restarted = await AgentProcess.StartAsync(_data.Path, settings);

            // Every forged payment was answered, the last one before the kill or, redelivered, from the record after it.
            await terminal.WaitForLineAsync(line => line.Contains("\"event\":\"done\"", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "every forged payment answered");
            var answers = terminal.Output.Split('\n').Where(l => l.StartsWith('{'))
                .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("event").GetString() == "answer").ToList();
            Assert.Equal(sent.Count, answers.Count);
            Assert.All(answers, a => Assert.Equal("scored", a.GetProperty("answer").GetProperty("status").GetString()));

            await using var probe = await TestTerminal.ConnectAsync(_broker.Port);
            var after = await probe.RequestAsync(Payloads.Topic("store-7"), Payloads.Payment("tx-after"));
            Assert.Equal("scored", Answers.Status(after));
            await restarted.StopAsync(TimeSpan.FromSeconds(30));
            Assert.DoesNotContain("could not be recorded", restarted.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("could not be read", restarted.Output, StringComparison.Ordinal);
        }

        using var record = new AgentRecord(_data.Path);
        Assert.Empty(record.DeadLetters);
        Assert.Equal([.. sent, "tx-after"], record.Outcomes.Select(o => o.TransactionId!));
        Assert.Equal(Enumerable.Range(1, sent.Count + 1).Select(s => (long)s), record.Outcomes.Select(o => o.Sequence));
    }
}
