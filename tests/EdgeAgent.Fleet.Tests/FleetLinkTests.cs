using System.Security.Cryptography;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Fleet;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;
using MQTTnet;
using Xunit.Abstractions;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// Four stores and a three-silo fleet behind a real mosquitto: the same cards pay at different stores, a silo is
/// killed, the uplink is cut and restored, outboxes are replayed. Each store's features, from its own history merged
/// with the fleet's profile, equal those of one history that saw every store's payments.
/// </summary>
[Collection(FleetLinkCollection.Name)]
public sealed class FleetLinkTests(FleetLinkCluster fleet, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Stores_merged_with_the_fleet_compute_what_one_agent_seeing_every_store_computes()
    {
        var tokenizer = new CardTokenizer(FleetLinkCluster.FleetKey, "k1");
        var cards = Enumerable.Range(0, 8).Select(i => tokenizer.Tokenize(System.Text.Encoding.ASCII.GetBytes($"41111111111{i:d5}"))).ToList();
        var payments = Payments(new Random(5), cards, count: 90);
        var stores = FleetLinkCluster.Stores.ToDictionary(s => s, s => new AgentStore(s, fleet.BrokerPort, TimeSpan.FromSeconds(1)));
        var oracle = new FeatureExtractor(new FeatureState());
        try
        {
            foreach (var store in stores.Values)
            {
                await store.WaitUpAsync(Patience);
            }

            var withOthers = 0;
            var offline = 0;
            for (var i = 0; i < payments.Count; i++)
            {
                var payment = payments[i];
                var store = stores[payment.StoreId];
                if (i == 25)
                {
                    // SIGKILL: a silo dies with whatever it was handling; stores resend what got no receipt.
                    fleet.Cluster.KillSilo(0);
                }

                if (i == 50)
                {
                    fleet.Broker.Cut();
                }

                var online = i is < 50 or >= 65;
                if (i == 65)
                {
                    await fleet.Broker.StartAgainAsync();
                    foreach (var s in stores.Values)
                    {
                        await s.WaitUpAsync(Patience);

                        // Catching up: what was paid while the link was down goes now, once each.
                        var pending = s.Link.Outbox;
                        if (pending > 0)
                        {
                            Assert.Equal(pending, (await s.FlushAsync(Patience)).GetValueOrDefault("accepted"));
                        }
                    }
                }

                float[] features;
                if (online)
                {
                    Assert.True(await FetchAsync(store, payment.CardToken), $"payment {i}: no profile from the fleet");
                    withOthers += store.State.Card(payment.CardToken).OtherStores.Count > 0 ? 1 : 0;
                    features = store.Score(payment);
                    var receipt = await store.FlushAsync(Patience);
                    Assert.True(receipt.GetValueOrDefault("accepted") + receipt.GetValueOrDefault("duplicate") == 1,
                        $"payment {i}: receipt " + string.Join(", ", receipt.Select(r => $"{r.Key}={r.Value}")));
                }
                else
                {
                    // The link is down: the first-sight fetch misses its budget and the store scores on what it has.
                    Assert.False(await store.Link.FetchAsync(payment.CardToken, CancellationToken.None));
                    offline++;
                    features = store.Score(payment);
                }

                var expected = Features(oracle, payment);
                if (online)
                {
                    Assert.True(expected.SequenceEqual(features),
                        $"payment {i} at {payment.StoreId}: features differ from one agent seeing every store\n{string.Join(",", expected)}\n{string.Join(",", features)}");
                }
            }

            // Every outbox again, whole: the fleet counts each payment once.
            foreach (var store in stores.Values)
            {
                foreach (var delta in store.Sent)
                {
                    store.Link.Enqueue(delta);
                }

                var replay = await store.FlushAsync(Patience);
                Assert.Equal(store.Sent.Count, replay.GetValueOrDefault("duplicate"));
                Assert.Equal(0, replay.GetValueOrDefault("accepted"));
            }

            foreach (var card in cards)
            {
                foreach (var store in FleetLinkCluster.Stores)
                {
                    var profile = await fleet.Cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync(store);
                    var expected = payments.Where(p => p.CardToken == card && p.StoreId != store)
                        .Select(p => p.Timestamp.ToUnixTimeMilliseconds()).Order().ToList();
                    Assert.Equal(expected, profile.Payments.Select(p => p.EventUnixMs).ToList());
                }
            }

            var pushed = stores.Values.Sum(s => s.Link.ProfilesPushed);
            output.WriteLine($"{payments.Count} payments, {withOthers} scored with other stores' payments, {offline} offline, {pushed} profiles pushed");
            Assert.True(withOthers > 30, $"only {withOthers} payments had other stores' history");
            Assert.True(pushed > 0, "no profile was pushed to a store");
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
        finally
        {
            foreach (var store in stores.Values)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Refused_and_counted_unknown_store_forged_store_foreign_key_oversized_malformed_and_impossible_times()
    {
        var tokenizer = new CardTokenizer(FleetLinkCluster.FleetKey, "k1");
        var card = tokenizer.Tokenize("4000056655665556"u8);
        await using var a = new TestStore("store-a", fleet.BrokerPort);
        await using var stranger = new TestStore(FleetLinkCluster.StrangerStore, fleet.BrokerPort);
        using (var connect = new CancellationTokenSource(Patience))
        {
            await a.ConnectAsync(connect.Token);
            await stranger.ConnectAsync(connect.Token);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        FleetDelta Delta(long at) => new(card, FleetDeltaCodec.PaymentIdOf(card, Guid.NewGuid().ToString()), at, 12.5, 7, double.NaN, double.NaN);
        byte[] Batch(string store, params FleetDelta[] deltas) => FleetDeltaCodec.Encode(new FleetDeltaBatch(store, FleetLinkCluster.FleetKeyFingerprint, deltas));

        try
        {
            Assert.Equal(1, (await stranger.SendAsync(Batch(FleetLinkCluster.StrangerStore, Delta(now - 1000)), Patience))["unknown_store"]);
            Assert.Equal(1, (await a.SendAsync(Batch("store-b", Delta(now - 1000)), Patience))["forged_store"]);
            var otherKey = KeyFingerprint.Of(RandomNumberGenerator.GetBytes(32));
            Assert.Equal(1, (await a.SendAsync(FleetDeltaCodec.Encode(new FleetDeltaBatch("store-a", otherKey, [Delta(now - 1000)])), Patience))["foreign_key"]);
            Assert.Equal(1, (await a.SendAsync(new byte[70_000], Patience))["oversized"]);
            Assert.Equal(1, (await a.SendAsync([1, 2, 3, 4, 5], Patience))["malformed"]);
            var cut = Batch("store-a", Delta(now - 1000), Delta(now - 900));
            Assert.Equal(1, (await a.SendAsync(cut[..^1], Patience))["malformed"]);
            var times = await a.SendAsync(Batch("store-a", Delta(now + (24 * 3_600_000)), Delta(now - (30L * 24 * 3_600_000)), Delta(now - 1000)), Patience);
            Assert.Equal(1, times["future"]);
            Assert.Equal(1, times["expired"]);
            Assert.Equal(1, times["accepted"]);

            // Under another store's topic the broker itself refuses it: the sender is not that store.
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await a.PublishRawAsync("store-b", Batch("store-b", Delta(now - 500))));

            var profile = await fleet.Cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-x");
            Assert.All(profile.Payments, p => Assert.Equal("store-a", p.StoreId));
            Assert.Single(profile.Payments);

            // Each refusal is counted and logged (through the throttle, the first at once).
            foreach (var reason in new[] { "unknown_store", "forged_store", "foreign_key", "oversized", "malformed", "future", "expired" })
            {
                await Eventually.TrueAsync(() => fleet.Cluster.SiloOutput().Contains("for reason " + reason, StringComparison.Ordinal), "log of " + reason, Patience);
            }
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
    }

    private static async Task<bool> FetchAsync(AgentStore store, string card)
    {
        // Correctness, not speed (the budget is a second here): a fetch may meet the failover of a killed silo or a
        // machine too loaded to answer in time, so it is asked again.
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (await store.Link.FetchAsync(card, CancellationToken.None))
            {
                return true;
            }
        }

        return false;
    }

    private bool Dump()
    {
        output.WriteLine(fleet.Cluster.SiloOutput());
        return false;
    }

    private static float[] Features(FeatureExtractor extractor, PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        extractor.ComputeAndApply(payment, features);
        return features;
    }

    /// <summary>Payments of a few cards at the four stores, in time order, all within the last five days and before now, each store its own merchant.</summary>
    private static List<PaymentEvent> Payments(Random random, List<string> cards, int count)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-5);
        var list = new List<PaymentEvent>(count);
        for (var i = 0; i < count; i++)
        {
            at = at.AddMilliseconds(1 + random.Next(60_000, 90 * 60_000));
            var store = random.Next(FleetLinkCluster.Stores.Length);
            list.Add(new PaymentEvent
            {
                TransactionId = "tx" + i,
                StoreId = FleetLinkCluster.Stores[store],
                TerminalId = "t1",
                Timestamp = at,
                Amount = Math.Round((decimal)(random.NextDouble() * 250) + 1, 2),
                Currency = "EUR",
                CardToken = cards[random.Next(cards.Count)],
                Mcc = "5411",
                Channel = PaymentChannel.Pos,
                MerchantId = "merchant-" + store,
                Location = random.Next(4) == 0 ? null : new GeoPoint(48.1 + (store * 0.7), 11.5 - (store * 0.4)),
            });
        }

        return list;
    }
}
