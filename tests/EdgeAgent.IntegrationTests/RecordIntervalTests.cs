using EdgeAgent.Core.Pipeline;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeAgent.IntegrationTests;

/// <summary>
/// How long an acknowledged payment waits for LiteDB, as the agent resolves it: with the fleet link on, the link's flush
/// interval, so that the fleet outbox (which reads LiteDB) sends a payment about one interval after it, not two.
/// </summary>
public sealed class RecordIntervalTests
{
    [Theory]
    [InlineData(null, null, null, 250)]
    [InlineData("127.0.0.1", null, null, 100)]
    [InlineData("127.0.0.1", "00:00:00.2", null, 200)]
    [InlineData("127.0.0.1", "00:00:00.1", null, 100)]
    [InlineData("127.0.0.1", "00:00:00", null, 250)]
    [InlineData("127.0.0.1", "00:00:00.1", "1000", 1000)]
    [InlineData(null, null, "40", 40)]
    public void TheRecordInterval_FollowsTheFleetLinksFlushInterval_UnlessSet(string? fleetHost, string? flushInterval, string? recordInterval, double expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Fleet:Host"] = fleetHost,
            ["Fleet:StoreId"] = fleetHost is null ? null : "store-1",
            ["Fleet:FlushInterval"] = flushInterval,
            ["Pipeline:RecordIntervalMilliseconds"] = recordInterval,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddAgentBasics().BuildServiceProvider();

        Assert.Equal(expected, services.GetRequiredService<IOptions<PipelineOptions>>().Value.RecordIntervalMilliseconds);
    }
}
