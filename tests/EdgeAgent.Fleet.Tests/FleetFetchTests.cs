using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A first-sight fetch on the three-silo fleet while delta batches wait for Redis: each silo's batch handler is held by
/// a write that cannot finish (redis-server stopped with SIGSTOP), and a batch of the fetched card itself is in its
/// grain's write. The fetch is still answered, from the grain's memory, before any of those batches has its receipt.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class FleetFetchTests(FleetLinkCluster fleet, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly CardTokenizer Tokenizer = new(FleetLinkCluster.FleetKey, "k1");

    [Fact]
    public async Task A_fetch_is_answered_from_the_grains_memory_while_delta_batches_wait_for_a_stopped_redis()
    {
        var x = Tokenizer.Tokenize("4000000000001000"u8);
        var others = new[] { Tokenizer.Tokenize("4000000000001018"u8), Tokenizer.Tokenize("4000000000001026"u8), Tokenizer.Tokenize("4000000000001034"u8) };
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var a = await StoreAAsync();

        // Store B is the agent's own link; its budget is generous, so that a loaded machine cannot turn the check into a miss.
        await using var b = new AgentStore("store-b", fleet.BrokerPort, TimeSpan.FromSeconds(3));
        await b.WaitUpAsync(Patience);

        // X and the other cards are recorded (their grains active, their state in Redis) while Redis runs.
        var before = await a.SendAsync(Batch([Delta(x, "a-x-1", now - 60_000), .. others.Select((c, i) => Delta(c, $"a-o-{i}", now - 59_000))]), Patience);
        Assert.Equal(1 + others.Length, before["accepted"]);

        var redis = fleet.Cluster.Redis;
        var stopped = false;
        try
        {
            redis.Pause();
            stopped = true;

            // One message per card: the silos share them, so each silo's delta connection is held by a batch whose
            // grain write waits for Redis, and X's own grain is in a write.
            var held = new[] { Delta(x, "a-x-2", now - 30_000) }.Concat(others.Select((c, i) => Delta(c, $"a-o-{i}-2", now - 29_000)))
                .Select(d => a.SendAsync(Batch(d), Patience))
                .ToList();

            // Until an answer holds X's batch under way (the answer before the batch reached its grain holds only the first payment).
            var answered = await Polling.UntilAsync(
                async () => (await b.Link.FetchAsync(x, CancellationToken.None), b.State.Card(x).OtherStores.Select(p => p.UnixMs).ToList()),
                r => r.Item1 && r.Item2.Contains(now - 30_000),
                Patience);
            var receiptsBeforeAnswer = held.Count(t => t.IsCompleted);
            Assert.True(answered.Item1, "store B's fetch was not answered while Redis was stopped");
            Assert.Equal([now - 60_000, now - 30_000], answered.Item2);
            Assert.Equal(0, receiptsBeforeAnswer);

            redis.Resume();
            stopped = false;

            // Each held batch recorded once: accepted, or a duplicate when its first write timed out and was retried
            // after Redis had taken it.
            foreach (var receipt in await Task.WhenAll(held))
            {
                Assert.Equal(1, receipt.GetValueOrDefault("accepted") + receipt.GetValueOrDefault("duplicate"));
                Assert.Equal(receipt.GetValueOrDefault("accepted") + receipt.GetValueOrDefault("duplicate"), receipt.Values.Sum());
            }

            var stored = await fleet.Cluster.Client.GetGrain<ICardProfileGrain>(x).ReadExcludingAsync("store-none");
            Assert.Equal([now - 60_000, now - 30_000], stored.Payments.Select(p => p.EventUnixMs));
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
        finally
        {
            // The other tests of the collection need Redis whatever happened here.
            if (stopped)
            {
                redis.Resume();
            }
        }
    }

    /// <summary>
    /// Store B fetches card X at first sight; store A pays X again before any delta of B's reaches the fleet. B has no
    /// slot yet, yet A's later payment is pushed to it, because the fetch counts B among the stores that saw the card.
    /// </summary>
    [Fact]
    public async Task A_payment_elsewhere_between_a_stores_fetch_and_its_own_delta_is_pushed_to_it()
    {
        var x = Tokenizer.Tokenize("4000000000001059"u8);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var a = await StoreAAsync();

        await using var b = new AgentStore("store-b", fleet.BrokerPort, TimeSpan.FromSeconds(3));
        await b.WaitUpAsync(Patience);
        Assert.Equal(1, (await a.SendAsync(Batch(Delta(x, "a-between-1", now - 60_000)), Patience))["accepted"]);

        Assert.True(await b.Link.FetchAsync(x, CancellationToken.None), "store B's fetch was not answered");
        Assert.Equal([now - 60_000], b.State.Card(x).OtherStores.Select(p => p.UnixMs));

        // B has sent nothing of X: its delta would be behind its scoring, seconds away on a busy store.
        Assert.Equal(1, (await a.SendAsync(Batch(Delta(x, "a-between-2", now - 1_000)), Patience))["accepted"]);
        var pushed = await Polling.UntilAsync(
            () => Task.FromResult(b.State.Card(x).OtherStores.Select(p => p.UnixMs).ToList()),
            times => times.Contains(now - 1_000),
            TimeSpan.FromSeconds(30));
        Assert.Equal([now - 60_000, now - 1_000], pushed);
    }

    [Fact]
    public async Task A_fetch_whose_link_names_the_tokens_own_key_is_refused_at_once_and_folds_nothing()
    {
        // Store C is on k2 and holds a card's k1 history's token, but its link names k2, its own key, as the previous key.
        var rotated = new CardTokenizer(FleetLinkCluster.RotationKey, "k2", FleetLinkCluster.FleetKey, "k1");
        var card = rotated.TokenizeWithPrevious("4000000000001042"u8);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var a = await StoreAAsync();

        Assert.Equal(1, (await a.SendAsync(Batch(Delta(card.Previous!, "a-k1-1", now - 60_000)), Patience))["accepted"]);
        await using var c = new AgentStore("store-c", fleet.BrokerPort, TimeSpan.FromSeconds(3), FleetLinkCluster.RotationKeyFingerprint, FleetLinkCluster.RotationKeyFingerprint);
        await c.WaitUpAsync(Patience);
        var silos = fleet.LiveHttpEndpoints;
        var before = await RefusalsAsync(silos);

        Assert.True(await c.Link.FetchAsync(card, CancellationToken.None), "store C's fetch was not answered");

        // Counted before the answer left: the link refused as foreign, never tried as a link.
        var after = await RefusalsAsync(silos);
        Assert.Equal(1, after["link_foreign_key"] - before["link_foreign_key"]);
        Assert.Equal(0, after["bad_link"] - before["bad_link"]);
        Assert.Equal(0, after["link_conflict"] - before["link_conflict"]);
        Assert.Empty(c.State.Card(card.Current).OtherStores);
        var profile = await fleet.Cluster.Client.GetGrain<ICardProfileGrain>(card.Current).ReadExcludingAsync("store-none");
        Assert.Null(profile.FoldedFrom);
        Assert.Empty(profile.Payments);
    }

    /// <summary>Store A as a raw uplink client, connected: it sends delta batches as the test writes them.</summary>
    private async Task<TestStore> StoreAAsync()
    {
        var a = new TestStore("store-a", fleet.BrokerPort);
        try
        {
            using var connect = new CancellationTokenSource(Patience);
            await a.ConnectAsync(connect.Token);
            return a;
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    private static async Task<Dictionary<string, double>> RefusalsAsync(IEnumerable<Uri> silos)
    {
        using var http = new HttpClient();
        var sums = new Dictionary<string, double>(StringComparer.Ordinal) { ["link_foreign_key"] = 0, ["bad_link"] = 0, ["link_conflict"] = 0 };
        foreach (var silo in silos)
        {
            foreach (var line in (await http.GetStringAsync(new Uri(silo, "/metrics"))).Split('\n'))
            {
                foreach (var reason in sums.Keys.ToList())
                {
                    if (line.StartsWith($"edgeagent_fleet_refusals_total{{reason=\"{reason}\"}}", StringComparison.Ordinal))
                    {
                        sums[reason] += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        return sums;
    }

    private static FleetDelta Delta(string token, string id, long at) => new(token, FleetDeltaCodec.PaymentIdOf(token, id), at, 20.5, 7, double.NaN, double.NaN);

    private static byte[] Batch(params FleetDelta[] deltas) =>
        FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", FleetLinkCluster.FleetKeyFingerprint, deltas));

    private bool Dump()
    {
        output.WriteLine(fleet.Cluster.SiloOutput());
        return false;
    }
}
