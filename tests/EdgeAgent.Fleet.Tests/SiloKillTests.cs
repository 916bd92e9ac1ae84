using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>A silo killed with SIGKILL while stores stream deltas: what was acknowledged is what the profile holds.</summary>
[Collection(FleetClusterCollection.Name)]
public sealed class SiloKillTests(FleetCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_mid_stream_loses_no_acknowledged_delta()
    {
        Assert.Equal(3, cluster.RunningSilos);
        var random = new Random(23);
        var stream = new DeltaStream(cluster, random, "tok-kill", 30, TimeSpan.FromSeconds(120));
        await stream.FirstThirdSentAsync();
        cluster.KillSilo(1);
        stream.Release();
        await stream.Completion;
        output.WriteLine($"{stream.Batches} batches, {stream.FailedTries} failed tries retried after the kill");
        var payments = stream.Payments;
        var acknowledged = stream.Acknowledged;
        var cards = stream.Cards;

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
