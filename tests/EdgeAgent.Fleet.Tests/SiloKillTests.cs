using System.Collections.Concurrent;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>A silo killed with SIGKILL while stores stream deltas: what was acknowledged is what the profile holds.</summary>
[Collection(FleetClusterCollection.Name)]
public sealed class SiloKillTests(FleetCluster cluster, ITestOutputHelper output)
{
    private static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    [Fact]
    public async Task A_silo_killed_mid_stream_loses_no_acknowledged_delta()
    {
        Assert.Equal(3, cluster.RunningSilos);
        var random = new Random(23);
        var cards = Enumerable.Range(0, 30).Select(i => $"tok-kill-{i:d2}-{Guid.NewGuid():N}").ToList();
        var payments = TestPayments.Generate(random, cards, Stores, perCardPerStore: 4, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var batches = TestPayments.WithDuplicatesAndReplays(random, payments);
        var acknowledged = new ConcurrentDictionary<(string Store, string PaymentId), byte>();
        var failedTries = 0;
        var sent = 0;
        var killAt = batches.Count / 3;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var stream = Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
        {
            if (Interlocked.Increment(ref sent) > killAt)
            {
                // The rest of the stream goes out only once the silo is dead, so it meets the failover for sure.
                await killed.Task.WaitAsync(ct);
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
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
                    // An uplink retries until acknowledged; per-store slots keyed by payment id make the retry harmless.
                    Interlocked.Increment(ref failedTries);
                    await Task.Delay(200, ct);
                }
            }
        });

        while (Volatile.Read(ref sent) < killAt && !stream.IsCompleted)
        {
            await Task.Delay(10);
        }

        cluster.KillSilo(1);
        killed.SetResult();
        await stream;
        output.WriteLine($"{batches.Count} batches, {failedTries} failed tries retried after the kill");

        Assert.Equal(2, cluster.RunningSilos);
        await cluster.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        var held = 0;
        foreach (var card in cards)
        {
            var profile = await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-none");
            var inProfile = profile.Payments.Select(p => (p.StoreId, p.PaymentId)).ToHashSet();
            Assert.Equal(profile.Payments.Count, inProfile.Count);
            foreach (var key in acknowledged.Keys.Where(k => payments.Any(p => p.Delta.CardToken == card && p.StoreId == k.Store && p.Delta.PaymentId == k.PaymentId)))
            {
                Assert.Contains(key, inProfile);
            }

            Assert.Equal(TestPayments.SeenOnce(payments.Where(p => p.Delta.CardToken == card)), TestPayments.AsRecent(profile));
            held += profile.Payments.Count;
        }

        Assert.Equal(payments.Count, acknowledged.Count);
        Assert.Equal(payments.Count, held);
    }
}
