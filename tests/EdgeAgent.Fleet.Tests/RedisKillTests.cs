using System.Collections.Concurrent;
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
    private static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    [Fact]
    public async Task Redis_killed_mid_stream_and_restarted_on_its_append_only_file_loses_no_acknowledged_delta()
    {
        var silos = cluster.RunningSilos;
        var random = new Random(29);
        var cards = Enumerable.Range(0, 20).Select(i => $"tok-redis-{i:d2}-{Guid.NewGuid():N}").ToList();
        var payments = TestPayments.Generate(random, cards, Stores, perCardPerStore: 4, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var batches = TestPayments.WithDuplicatesAndReplays(random, payments);
        var acknowledged = new ConcurrentDictionary<(string Store, string PaymentId), byte>();
        var failedTries = 0;
        var sent = 0;
        var killAt = batches.Count / 3;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failedDuringOutage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var stream = Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
        {
            if (Interlocked.Increment(ref sent) > killAt)
            {
                // The rest of the stream goes out only once Redis is dead, so it meets the outage for sure.
                await killed.Task.WaitAsync(ct);
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
            while (true)
            {
                try
                {
                    await cluster.Client.GetGrain<ICardProfileGrain>(b.Card).RecordAsync(b.Store, b.Batch);
                    foreach (var d in b.Batch)
                    {
                        acknowledged.TryAdd((b.Store, d.PaymentId), 0);
                    }

                    return;
                }
                catch (Exception ex) when (DateTime.UtcNow < deadline && ex is not Xunit.Sdk.XunitException)
                {
                    // A store's uplink resends until the receipt comes; per-store slots keyed by payment id make it harmless.
                    Interlocked.Increment(ref failedTries);
                    if (killed.Task.IsCompleted)
                    {
                        failedDuringOutage.TrySetResult();
                    }

                    await Task.Delay(200, ct);
                }
            }
        });

        while (Volatile.Read(ref sent) < killAt && !stream.IsCompleted)
        {
            await Task.Delay(10);
        }

        cluster.Redis.Kill();
        killed.SetResult();

        // Redis stays down until a write has failed for it (or the stream is done): the outage is seen, not assumed.
        await Task.WhenAny(failedDuringOutage.Task, stream, Task.Delay(TimeSpan.FromSeconds(60)));
        await cluster.Redis.RestartAsync();
        await stream;
        output.WriteLine($"{batches.Count} batches, {failedTries} failed tries retried around the outage");
        Assert.True(failedTries > 0, "no write failed while Redis was down: the outage was not exercised");

        // Every activation dropped, so each profile below is what Redis holds, not what a silo kept in memory.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        foreach (var card in cards)
        {
            var profile = await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-none");
            var inProfile = profile.Payments.Select(p => (p.StoreId, p.PaymentId)).ToHashSet();
            Assert.Equal(profile.Payments.Count, inProfile.Count);
            foreach (var payment in payments.Where(p => p.Delta.CardToken == card))
            {
                Assert.Contains((payment.StoreId, payment.Delta.PaymentId), inProfile);
            }

            Assert.Equal(TestPayments.SeenOnce(payments.Where(p => p.Delta.CardToken == card)), TestPayments.AsRecent(profile));
        }

        Assert.Equal(payments.Count, acknowledged.Count);

        // The silos serve on: none left the cluster, and a new card is written and read back.
        Assert.Equal(silos, cluster.RunningSilos);
        await cluster.WaitForActiveSilosAsync(silos, TimeSpan.FromSeconds(60));
        var after = $"tok-redis-after-{Guid.NewGuid():N}";
        var fresh = TestPayments.Generate(random, [after], Stores, perCardPerStore: 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var payment in fresh)
        {
            var result = await cluster.Client.GetGrain<ICardProfileGrain>(after).RecordAsync(payment.StoreId, [payment.Delta]);
            Assert.Equal(1, result.Accepted);
        }

        Assert.Equal(fresh.Count, (await cluster.Client.GetGrain<ICardProfileGrain>(after).ReadExcludingAsync("store-none")).Payments.Count);
    }
}
