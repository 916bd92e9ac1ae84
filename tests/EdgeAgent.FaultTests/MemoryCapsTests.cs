using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EdgeAgent.FaultTests;

/// <summary>
/// Many distinct cards, transaction ids and merchants against small configured caps: what the agent
/// holds stays within each cap, and what left is counted.
/// </summary>
public sealed class MemoryCapsTests(ITestOutputHelper output) : IDisposable
{
    private const int Payments = 10_000;
    private const int MaxCards = 1000;
    private const int MaxMerchants = 500;
    private const int MaxKeys = 4000;
    private readonly TempDirectory _data = new();
    private readonly int _port = FreePort.Next();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task DistinctCardsMerchantsAndKeys_StayWithinTheirCaps_EvictionsCounted()
    {
        await using var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={_port}", "Inference:Provider=Cpu",
            $"Pipeline:MaxCardsInMemory={MaxCards}", $"Pipeline:MaxMerchantsInMemory={MaxMerchants}", $"Pipeline:MaxDuplicateKeys={MaxKeys}");
        using var http = new HttpClient();

        await using var terminal = await TestTerminal.ConnectAsync(_port);
        using var inFlight = new SemaphoreSlim(200);
        var answers = new List<Task<byte[]>>();
        for (var i = 0; i < Payments; i++)
        {
            await inFlight.WaitAsync();
            var (answer, _) = await terminal.SendAsync(Payloads.Topic("store-10", "t" + (i % 20)),
                System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Payloads.Payment($"cap-{i}", 10m + (i % 90), pan: Card(i))).Replace("\"m-1\"", $"\"m-{i}\"", StringComparison.Ordinal)));
            answers.Add(answer.ContinueWith(t => { inFlight.Release(); return t.Result; }, TaskScheduler.Default));
        }

        var statuses = await Task.WhenAll(answers.Select(a => a.WaitAsync(TimeSpan.FromSeconds(120))));
        Assert.All(statuses, a => Assert.Equal("scored", Answers.Status(a)));

        var metrics = await http.GetStringAsync(agent.BaseUrl + "/metrics");
        double Value(string name, params (string, string)[] labels) => PrometheusText.Value(metrics, name, labels) ?? double.NaN;
        output.WriteLine($"cards {Value("edgeagent_pipeline_cards")}, merchants {Value("edgeagent_pipeline_merchants")}, state evictions {Value("edgeagent_pipeline_state_evictions_total")}, "
            + $"keys {Value("edgeagent_duplicates_keys")}, keys evicted {Value("edgeagent_duplicates_evicted_total")}, "
            + $"working set {Environment.WorkingSet / (1 << 20)} MB");
        Assert.InRange(Value("edgeagent_pipeline_cards"), 1, MaxCards);
        Assert.InRange(Value("edgeagent_pipeline_merchants"), 1, MaxMerchants);
        Assert.True(Value("edgeagent_pipeline_state_evictions_total") >= (Payments - MaxCards) + (Payments - MaxMerchants));
        Assert.InRange(Value("edgeagent_duplicates_keys"), 1, MaxKeys);
        Assert.Equal(Payments - Value("edgeagent_duplicates_keys"), Value("edgeagent_duplicates_evicted_total"));
    }

    [Fact]
    public async Task AfterARestart_TheLoadedStateStaysWithinTheCaps_AndWhatWasLeftIsCounted()
    {
        const int payments = 2000;
        const int maxCards = 500;
        const int maxMerchants = 250;
        string[] caps = ["Inference:Provider=Cpu", $"Pipeline:MaxCardsInMemory={maxCards}", $"Pipeline:MaxMerchantsInMemory={maxMerchants}"];
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, [$"Mqtt:Port={_port}", .. caps]))
        {
            // Every payment a new card and a merchant id of the terminal's choosing.
            await using var terminal = await TestTerminal.ConnectAsync(_port);
            using var inFlight = new SemaphoreSlim(200);
            var answers = new List<Task<byte[]>>();
            for (var i = 0; i < payments; i++)
            {
                await inFlight.WaitAsync();
                var (answer, _) = await terminal.SendAsync(Payloads.Topic("store-11", "t" + (i % 10)),
                    System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Payloads.Payment($"restart-{i}", 10m + (i % 90), pan: Card(i))).Replace("\"m-1\"", $"\"m-{i}\"", StringComparison.Ordinal)));
                answers.Add(answer.ContinueWith(t => { inFlight.Release(); return t.Result; }, TaskScheduler.Default));
            }

            var statuses = await Task.WhenAll(answers.Select(a => a.WaitAsync(TimeSpan.FromSeconds(120))));
            Assert.All(statuses, a => Assert.Equal("scored", Answers.Status(a)));
            await agent.StopAsync();
        }

        // The graceful stop persisted every card and merchant: the store holds all of them, the restart loads up to the caps.
        await using var restarted = await InProcessAgent.StartAsync(_data.Path, [$"Mqtt:Port={FreePort.Next()}", .. caps]);
        var pipeline = restarted.Services.GetRequiredService<EdgeAgent.Core.Pipeline.ScoringPipeline>();
        var left = restarted.Metrics.StateLeftAtStart;
        output.WriteLine($"after the restart: cards {pipeline.CardsInMemory}, merchants {pipeline.MerchantsInMemory}, left {string.Join(", ", left)}");
        Assert.Equal(maxCards, pipeline.CardsInMemory);
        Assert.Equal(maxMerchants, pipeline.MerchantsInMemory);
        Assert.Equal(payments - maxCards, left.GetValueOrDefault("card"));
        Assert.Equal(payments - maxMerchants, left.GetValueOrDefault("merchant"));
    }

    /// <summary>A distinct 16-digit card number per index, with its Luhn check digit.</summary>
    private static string Card(int i)
    {
        var body = "4" + (100_000_000_000_00L + i).ToString("D14", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var d = 0; d < body.Length; d++)
        {
            var digit = body[body.Length - 1 - d] - '0';
            if (d % 2 == 0)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }

            sum += digit;
        }

        return body + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
