using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A tokenization key rotation on the three-silo fleet behind mosquitto: a store that names a card's previous-key token
/// (by a delta or a first-sight fetch) makes the fleet fold the card's previous-key history into its current-key
/// profile, once; a link for a key the fleet does not list, a malformed one, or one that contradicts an earlier link is
/// refused and counted, and changes no profile.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class KeyRotationTests(FleetLinkCluster fleet, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly CardTokenizer Rotated = new(FleetLinkCluster.RotationKey, "k2", FleetLinkCluster.FleetKey, "k1");

    [Fact]
    public async Task Linked_deltas_and_fetches_fold_a_cards_previous_key_history_once_and_refused_links_change_nothing()
    {
        var x = Card("4000000000000101");
        var y = Card("4000000000000119");
        var z = Card("4000000000000127");
        var w = Card("4000000000000135");
        var v = Card("4000000000000143");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var a = new TestStore("store-a", fleet.BrokerPort);
        await using var b = new TestStore("store-b", fleet.BrokerPort);
        await using var c = new TestStore("store-c", fleet.BrokerPort);
        using (var connect = new CancellationTokenSource(Patience))
        {
            await Task.WhenAll(a.ConnectAsync(connect.Token), b.ConnectAsync(connect.Token), c.ConnectAsync(connect.Token));
        }

        try
        {
            // Before the rotation, under k1: store A pays X twice and Y, Z, V once; store C pays X once.
            var beforeA = await a.SendAsync(Batch("store-a", FleetLinkCluster.FleetKeyFingerprint, null,
                Delta(x.Previous!, "a-x-1", now - 60_000), Delta(x.Previous!, "a-x-2", now - 50_000), Delta(y.Previous!, "a-y-1", now - 45_000),
                Delta(z.Previous!, "a-z-1", now - 44_000), Delta(v.Previous!, "a-v-1", now - 43_000)), Patience);
            Assert.Equal(5, beforeA["accepted"]);
            Assert.Equal(1, (await c.SendAsync(Batch("store-c", FleetLinkCluster.FleetKeyFingerprint, null, Delta(x.Previous!, "c-x-1", now - 40_000)), Patience))["accepted"]);

            // Store B, on k2, pays X and names X's k1 token: the fleet folds X's k1 history in before it receipts.
            var linked = Batch("store-b", FleetLinkCluster.RotationKeyFingerprint, Link(x), Delta(x.Current, "b-x-1", now - 30_000));
            Assert.Equal(Only("accepted"), await b.SendAsync(linked, Patience));
            var atB = await Profile(x.Current, "store-b");
            Assert.Equal(x.Previous, atB.FoldedFrom);
            Assert.Equal(["store-a", "store-a", "store-c"], atB.Payments.Select(p => p.StoreId));

            // The same message again, and the same link from another store: nothing is folded twice.
            Assert.Equal(Only("duplicate"), await b.SendAsync(linked, Patience));
            Assert.Equal(Only("accepted"), await c.SendAsync(Batch("store-c", FleetLinkCluster.RotationKeyFingerprint, Link(x), Delta(x.Current, "c-x-2", now - 20_000)), Patience));
            var whole = await Profile(x.Current, "store-none");
            Assert.Equal(["store-a", "store-a", "store-c", "store-b", "store-c"], whole.Payments.Select(p => p.StoreId));
            Assert.Equal([now - 60_000, now - 50_000, now - 40_000, now - 30_000, now - 20_000], whole.Payments.Select(p => p.EventUnixMs));

            // A previous key the fleet does not list, or the batch's own key: the delta is recorded, the link refused.
            var foreign = KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32));
            var unlisted = await b.SendAsync(Batch("store-b", FleetLinkCluster.RotationKeyFingerprint, Link(y, foreign), Delta(y.Current, "b-y-1", now - 19_000)), Patience);
            Assert.Equal((1, 1), (unlisted["accepted"], unlisted["link_foreign_key"]));
            var ownKey = await b.SendAsync(Batch("store-b", FleetLinkCluster.RotationKeyFingerprint, Link(y, FleetLinkCluster.RotationKeyFingerprint), Delta(y.Current, "b-y-2", now - 18_000)), Patience);
            Assert.Equal((1, 1), (ownKey["accepted"], ownKey["link_foreign_key"]));

            // A "previous" token of the current key id: not a rotation's link.
            var sameKeyId = new FleetCardLinks(FleetLinkCluster.FleetKeyFingerprint, new Dictionary<string, string> { [y.Current] = "k2.AAAAAAAAAAAAAAAAAAAAAAAA" });
            var bad = await b.SendAsync(Batch("store-b", FleetLinkCluster.RotationKeyFingerprint, sameKeyId, Delta(y.Current, "b-y-3", now - 17_000)), Patience);
            Assert.Equal((1, 1), (bad["accepted"], bad["bad_link"]));
            var yProfile = await Profile(y.Current, "store-none");
            Assert.Null(yProfile.FoldedFrom);
            Assert.All(yProfile.Payments, p => Assert.Equal("store-b", p.StoreId));

            // X took X's k1 history: a link of X to Z's k1 card is refused. X's k1 history went to X: a link of W to it is refused.
            var otherHistory = new FleetCardLinks(FleetLinkCluster.FleetKeyFingerprint, new Dictionary<string, string> { [x.Current] = z.Previous! });
            var graft = await c.SendAsync(Batch("store-c", FleetLinkCluster.RotationKeyFingerprint, otherHistory, Delta(x.Current, "c-x-3", now - 16_000)), Patience);
            Assert.Equal((1, 1), (graft["accepted"], graft["link_conflict"]));
            var stolen = new FleetCardLinks(FleetLinkCluster.FleetKeyFingerprint, new Dictionary<string, string> { [w.Current] = x.Previous! });
            var theft = await c.SendAsync(Batch("store-c", FleetLinkCluster.RotationKeyFingerprint, stolen, Delta(w.Current, "c-w-1", now - 15_000)), Patience);
            Assert.Equal((1, 1), (theft["accepted"], theft["link_conflict"]));
            Assert.Equal(x.Previous, (await Profile(x.Current, "store-none")).FoldedFrom);
            Assert.Equal(6, (await Profile(x.Current, "store-none")).Payments.Count);
            Assert.DoesNotContain((await Profile(x.Current, "store-none")).Payments, p => p.PaymentId == FleetDeltaCodec.PaymentIdOf(z.Previous!, "a-z-1"));
            Assert.Empty((await Profile(w.Current, "store-c")).Payments);

            // The store's own link (the agent's FleetLink): a first-sight fetch of Z on k2 names Z's k1 token and is answered
            // with Z's k1 history; a card whose fetch missed (the link down) names it with its delta instead.
            await using var d = new AgentStore("store-d", fleet.BrokerPort, TimeSpan.FromSeconds(10), FleetLinkCluster.RotationKeyFingerprint, FleetLinkCluster.FleetKeyFingerprint);
            await d.WaitUpAsync(Patience);
            Assert.True(await d.Link.FetchAsync(z, CancellationToken.None));
            Assert.Equal([now - 44_000], d.State.Card(z.Current).OtherStores.Select(p => p.UnixMs));
            Assert.Equal(0, d.Link.PendingLinks);

            fleet.Broker.Cut();
            await Eventually.TrueAsync(() => !d.Link.IsUp, "store D's link noticed the broker gone", Patience);
            Assert.False(await d.Link.FetchAsync(v, CancellationToken.None));
            Assert.Equal(1, d.Link.PendingLinks);
            d.Link.Enqueue(Delta(v.Current, "d-v-1", now - 10_000));
            await fleet.Broker.StartAgainAsync();
            await d.WaitUpAsync(Patience);
            Assert.Equal(Only("accepted"), await d.FlushAsync(Patience));
            Assert.Equal(0, d.Link.PendingLinks);
            var vProfile = await Profile(v.Current, "store-d");
            Assert.Equal(v.Previous, vProfile.FoldedFrom);
            Assert.Equal([now - 43_000], vProfile.Payments.Select(p => p.EventUnixMs));

            foreach (var reason in new[] { "link_foreign_key", "bad_link", "link_conflict" })
            {
                await Eventually.TrueAsync(() => fleet.Cluster.SiloOutput().Contains("for reason " + reason, StringComparison.Ordinal), "log of " + reason, Patience);
            }
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
        finally
        {
            // The other tests of the collection need the broker whatever happened here.
            if (!await IsListeningAsync(fleet.BrokerPort))
            {
                await fleet.Broker.StartAgainAsync();
            }
        }
    }

    private static CardTokens Card(string pan) => Rotated.TokenizeWithPrevious(Encoding.ASCII.GetBytes(pan));

    private static FleetDelta Delta(string token, string id, long at) => new(token, FleetDeltaCodec.PaymentIdOf(token, id), at, 20.5, 7, double.NaN, double.NaN);

    private static FleetCardLinks Link(CardTokens card, string? previousKeyFingerprint = null) =>
        new(previousKeyFingerprint ?? FleetLinkCluster.FleetKeyFingerprint, new Dictionary<string, string> { [card.Current] = card.Previous! });

    private static byte[] Batch(string store, string fingerprint, FleetCardLinks? links, params FleetDelta[] deltas) =>
        FleetDeltaCodec.Encode(new FleetDeltaBatch(store, fingerprint, deltas) { Links = links });

    private static Dictionary<string, int> Only(string outcome) => new() { [outcome] = 1 };

    private Task<CardProfile> Profile(string token, string excluding) =>
        fleet.Cluster.Client.GetGrain<ICardProfileGrain>(token).ReadExcludingAsync(excluding);

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private bool Dump()
    {
        output.WriteLine(fleet.Cluster.SiloOutput());
        return false;
    }
}
