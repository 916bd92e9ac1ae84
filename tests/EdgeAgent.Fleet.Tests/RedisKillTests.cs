using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// The fleet's Redis killed with SIGKILL while stores stream deltas, and started again on the same append-only file:
/// every batch the fleet acknowledged is in the cards' profiles read back from Redis, and the silos serve on.
/// </summary>
[Collection(FleetClusterCollection.Name)]
public sealed class RedisKillTests(FleetCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_killed_mid_stream_and_restarted_on_its_append_only_file_loses_no_acknowledged_delta()
    {
        var silos = cluster.RunningSilos;
        var random = new Random(29);
        var stream = new DeltaStream(cluster, random, "tok-redis", 20, TimeSpan.FromSeconds(180));
        await stream.FirstThirdSentAsync();
        cluster.Redis.Kill();
        stream.Release();

        // Redis stays down until a write has failed for it (or the stream is done): the outage is seen, not assumed.
        await Task.WhenAny(stream.FailedAfterRelease, stream.Completion, Task.Delay(TimeSpan.FromSeconds(60)));
        await cluster.Redis.RestartAsync();
        await stream.Completion;
        output.WriteLine($"{stream.Batches} batches, {stream.FailedTries} failed tries retried around the outage");
        Assert.True(stream.FailedTries > 0, "no write failed while Redis was down: the outage was not exercised");
        var payments = stream.Payments;
        var cards = stream.Cards;

        // Every activation dropped, so each profile below is what Redis holds, not what a silo kept in memory.
        await UntilRedisServesAsync("dropping every activation", () => cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero));
        foreach (var card in cards)
        {
            var profile = await ReadAsync(card);
            var inProfile = profile.Payments.Select(p => (p.StoreId, p.PaymentId)).ToHashSet();
            Assert.Equal(profile.Payments.Count, inProfile.Count);
            foreach (var payment in payments.Where(p => p.Delta.CardToken == card))
            {
                Assert.Contains((payment.StoreId, payment.Delta.PaymentId), inProfile);
            }

            Assert.Equal(TestPayments.SeenOnce(payments.Where(p => p.Delta.CardToken == card)), TestPayments.AsRecent(profile));
        }

        Assert.Equal(payments.Count, stream.Acknowledged.Count);

        // The silos serve on: none left the cluster, and a new card is written and read back.
        Assert.Equal(silos, cluster.RunningSilos);
        await cluster.WaitForActiveSilosAsync(silos, TimeSpan.FromSeconds(60));
        var after = $"tok-redis-after-{Guid.NewGuid():N}";
        var fresh = TestPayments.Generate(random, [after], DeltaStream.Stores, perCardPerStore: 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var payment in fresh)
        {
            var result = await cluster.Client.GetGrain<ICardProfileGrain>(after).RecordAsync(payment.StoreId, [payment.Delta]);
            Assert.Equal(1, result.Accepted);
        }

        Assert.Equal(fresh.Count, (await cluster.Client.GetGrain<ICardProfileGrain>(after).ReadExcludingAsync("store-none")).Payments.Count);
    }

    /// <summary>
    /// A card's profile as Redis holds it. A silo whose connection to Redis has not come back yet fails the activation's
    /// read, as an agent's fetch would see it (and score on local history); the read is tried again until it has.
    /// </summary>
    private async Task<CardProfile> ReadAsync(string card)
    {
        CardProfile? profile = null;
        await UntilRedisServesAsync($"read of {card}", async () => profile = await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-none"));
        return profile!;
    }

    /// <summary>
    /// A call through the cluster after Redis came back, tried again for up to 60 s while a silo's connection to Redis has
    /// not (the failure reaches the test as Redis's own exception: <c>FleetWire</c>).
    /// </summary>
    private async Task UntilRedisServesAsync(string what, Func<Task> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline)
            {
                output.WriteLine($"{what} failed, tried again: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(500);
            }
        }
    }
}
