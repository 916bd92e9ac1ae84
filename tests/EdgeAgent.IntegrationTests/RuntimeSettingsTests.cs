using System.Text;
using System.Text.Json;

namespace EdgeAgent.IntegrationTests;

/// <summary>The runtime settings the agent ships with reach the runtime of the agent's own process.</summary>
public sealed class RuntimeSettingsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TheAgentProcess_RunsWithTheGen0BudgetItShipsWith_WhateverTheProcessorsCache()
    {
        var httpPort = FreePort.Next();
        await using var agent = await AgentProcess.StartAsync(_data.Path, $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu",
            $"Http:Urls=http://127.0.0.1:{httpPort}");
        using var http = new HttpClient();

        // The agent says it is ready once it takes payments; its HTTP endpoints may open a moment later.
        string? text = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/status"));
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "/status answers");
        var status = Answers.Parse(Encoding.UTF8.GetBytes(text!));

        // 6 MiB, from the agent's runtimeconfig; without it the GC derives the budget from the processor's last-level
        // cache, which differs from host to host (on a host with a small cache it comes to the same 6 MiB, so the file
        // is checked too).
        var configured = ShippedSetting("System.GC.Gen0MaxBudget").GetInt64();
        Assert.Equal(6 * 1024 * 1024, configured);
        Assert.Equal(configured, status.GetProperty("resources").GetProperty("gen0BudgetBytes").GetInt64());
    }

    [Fact]
    public void TheAgent_ShipsWithoutProfileGuidedRecompilation()
    {
        // The runtime reads it from the agent's runtimeconfig at start (DOTNET_TieredPGO overrides it).
        Assert.False(ShippedSetting("System.Runtime.TieredPGO").GetBoolean());
    }

    /// <summary>A runtime setting as the agent's build wrote it into its runtimeconfig.</summary>
    private static JsonElement ShippedSetting(string name)
    {
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EdgeAgent.runtimeconfig.json")));
        return runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty(name).Clone();
    }
}
