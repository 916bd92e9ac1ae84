
namespace EdgeAgent.FaultTests;

/// <summary>A database file that cannot be opened is moved aside and kept, the agent starts on a new one and says so, and scores.</summary>
public sealed class CorruptDatabaseTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("truncated")]
    [InlineData("overwritten")]
    public async Task UnusableDatabase_IsMovedAside_AndTheAgentStartsFresh(string damage)
    {
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            await using var terminal = await TestTerminal.ConnectAsync(_port);
            for (var i = 0; i < 20; i++)
            {
                await terminal.RequestAsync(Payloads.Topic("store-9"), Payloads.Payment($"old-{i}"));
            }
        }

        var database = Path.Combine(_data.Path, "edgeagent.db");
        var bytes = await File.ReadAllBytesAsync(database);
        byte[] damaged = damage == "truncated" ? bytes[..(bytes.Length / 3)] : [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)), .. bytes[8192..]];
        await File.WriteAllBytesAsync(database, damaged);

        await using (var agent = await AgentProcess.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu"))
        {
            await using var terminal = await TestTerminal.ConnectAsync(_port);
            Assert.Equal("scored", Answers.Status(await terminal.RequestAsync(Payloads.Topic("store-9"), Payloads.Payment("new-1"))));
            await agent.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("could not be used and was moved aside", agent.Output, StringComparison.Ordinal);
        }

        var kept = Assert.Single(Directory.GetFiles(_data.Path, "edgeagent.db.corrupt-*"), f => !f.EndsWith("-log", StringComparison.Ordinal));
        Assert.True(new FileInfo(kept).Length > 0);
        using var record = new AgentRecord(_data.Path);
        Assert.Contains(record.Outcomes, o => o.TransactionId == "new-1");
    }
}
