using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Tests.Infrastructure;

namespace EdgeAgent.Fleet.Tests;

/// <summary>Card profiles on a real three-silo cluster persisted in a real redis-server.</summary>
[Collection(FleetClusterCollection.Name)]
public sealed class CardProfileClusterTests(FleetCluster cluster)
{
    private static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];

    [Fact]
    public async Task Duplicates_replays_and_shuffled_order_give_the_profile_of_each_payment_once()
    {
        var random = new Random(7);
        var cards = Enumerable.Range(0, 12).Select(i => $"tok-once-{i:d2}-{Guid.NewGuid():N}").ToList();
        var payments = TestPayments.Generate(random, cards, Stores, perCardPerStore: 6, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var batches = TestPayments.WithDuplicatesAndReplays(random, payments);

        var accepted = 0;
        var duplicates = 0;
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, _) =>
        {
            var result = await cluster.Client.GetGrain<ICardProfileGrain>(b.Card).RecordAsync(b.Store, b.Batch);
            Assert.Empty(result.Refused);
            Interlocked.Add(ref accepted, result.Accepted);
            Interlocked.Add(ref duplicates, result.Duplicates);
        });

        Assert.Equal(payments.Count, accepted);
        Assert.Equal(batches.Sum(b => b.Batch.Length) - payments.Count, duplicates);
        foreach (var card in cards)
        {
            var profile = await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync("store-none");
            var expected = TestPayments.SeenOnce(payments.Where(p => p.Delta.CardToken == card));
            Assert.Equal(expected, TestPayments.AsRecent(profile));
            Assert.Equal(Stores.Length, profile.Stores);
            Assert.Equal(expected[^1].UnixMs, profile.LatestEventUnixMs);
        }
    }

    [Fact]
    public async Task A_profile_read_excluding_a_store_holds_exactly_the_other_stores_payments()
    {
        var random = new Random(11);
        var cards = Enumerable.Range(0, 4).Select(i => $"tok-excl-{i}-{Guid.NewGuid():N}").ToList();
        var payments = TestPayments.Generate(random, cards, Stores, perCardPerStore: 5, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var batch in TestPayments.WithDuplicatesAndReplays(random, payments))
        {
            await cluster.Client.GetGrain<ICardProfileGrain>(batch.Card).RecordAsync(batch.Store, batch.Batch);
        }

        foreach (var card in cards)
        {
            foreach (var excluded in Stores)
            {
                var profile = await cluster.Client.GetGrain<ICardProfileGrain>(card).ReadExcludingAsync(excluded);
                var others = payments.Where(p => p.Delta.CardToken == card && p.StoreId != excluded).ToList();
                Assert.DoesNotContain(profile.Payments, p => p.StoreId == excluded);
                Assert.Equal(
                    others.Select(p => (p.StoreId, p.Delta.PaymentId)).Order(),
                    profile.Payments.Select(p => (p.StoreId, p.PaymentId)).Order());
                Assert.Equal(TestPayments.SeenOnce(others), TestPayments.AsRecent(profile));
                Assert.Equal(Stores.Length - 1, profile.Stores);
                Assert.True(profile.Present);
                Assert.True(profile.UpdatedUnixMs > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
            }
        }

        var unseen = await cluster.Client.GetGrain<ICardProfileGrain>("tok-unseen-" + Guid.NewGuid().ToString("N")).ReadExcludingAsync("store-a");
        Assert.False(unseen.Present);
        Assert.Equal(long.MinValue, unseen.LatestEventUnixMs);
    }

    [Fact]
    public async Task A_store_that_fetched_a_card_is_pushed_its_changes_before_its_own_first_delta_and_once_after()
    {
        var card = "tok-fetched-" + Guid.NewGuid().ToString("N");
        var grain = cluster.Client.GetGrain<ICardProfileGrain>(card);
        var random = new Random(13);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payments = TestPayments.Generate(random, [card], ["store-a", "store-b"], perCardPerStore: 2, now);
        var ofA = payments.Where(p => p.StoreId == "store-a").Select(p => p.Delta).ToList();
        var ofB = payments.Where(p => p.StoreId == "store-b").Select(p => p.Delta).ToList();
        Assert.Equal(1, (await grain.RecordAsync("store-a", ofA[..1])).Accepted);

        // Store B fetches; store C only reads (the read that tests and tools make): only B is pushed A's next payment.
        var fetched = await grain.FetchForAsync("store-b");
        Assert.Equal([ofA[0].PaymentId], fetched.Payments.Select(p => p.PaymentId));
        await grain.ReadExcludingAsync("store-c");
        Assert.Equal(1, (await grain.RecordAsync("store-a", ofA[1..])).Accepted);
        var pushed = await grain.ProfilesForOthersAsync("store-a");
        var toB = Assert.Single(pushed);
        Assert.Equal("store-b", toB.ExcludedStoreId);
        Assert.Equal(ofA.Select(d => d.PaymentId).Order(), toB.Payments.Select(p => p.PaymentId).Order());

        // B's own payments give it a slot: it is pushed the card's changes once, as any store that paid it.
        Assert.Equal(2, (await grain.RecordAsync("store-b", ofB)).Accepted);
        Assert.Equal("store-b", Assert.Single(await grain.ProfilesForOthersAsync("store-a")).ExcludedStoreId);
        Assert.Equal("store-a", Assert.Single(await grain.ProfilesForOthersAsync("store-b")).ExcludedStoreId);

        // A store's fetch never makes it receive its own writes back.
        await grain.FetchForAsync("store-a");
        Assert.Equal("store-b", Assert.Single(await grain.ProfilesForOthersAsync("store-a")).ExcludedStoreId);
    }

    [Fact]
    public async Task Impossible_deltas_are_refused_by_reason_and_leave_the_profile_as_it_was()
    {
        var card = "tok-refuse-" + Guid.NewGuid().ToString("N");
        var grain = cluster.Client.GetGrain<ICardProfileGrain>(card);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        CardDelta Good(string id, long at) => new(CardDelta.CurrentSchema, card, id, at, 12.5, 42, 48.1, 11.5);

        var sound = Good("pay-sound-1", now - 60_000);
        var first = await grain.RecordAsync("store-a", [sound]);
        Assert.Equal(1, first.Accepted);

        const long Day = 24L * 3600 * 1000;
        var bad = new CardDelta[]
        {
            Good("pay-future", now + Day),
            Good("pay-expired", now - (8 * Day)),
            Good("pay-nan", now) with { Amount = double.NaN },
            Good("pay-inf", now) with { Amount = double.PositiveInfinity },
            Good("pay-negative", now) with { Amount = -5 },
            Good("pay-huge", now) with { Amount = 1e9 },
            Good("pay-place", now) with { Latitude = 123, Longitude = 5 },
            Good("pay-half-place", now) with { Latitude = double.NaN },
            Good("pay-other-card", now) with { CardToken = "tok-someone-else" },
            Good("pay-schema", now) with { Schema = 2 },
            Good("4111111111111111", now),
            Good("pay id with spaces", now),
            Good(new string('x', 65), now),
            sound with { Amount = 999 },
        };
        var result = await grain.RecordAsync("store-a", bad);
        Assert.Equal(0, result.Accepted);
        Assert.Equal(
            new Dictionary<string, int>
            {
                [RefusalReasons.Future] = 1,
                [RefusalReasons.Expired] = 1,
                [RefusalReasons.BadAmount] = 4,
                [RefusalReasons.BadPlace] = 2,
                [RefusalReasons.WrongCard] = 1,
                [RefusalReasons.UnknownSchema] = 1,
                [RefusalReasons.CardNumber] = 1,
                [RefusalReasons.BadPaymentId] = 2,
                [RefusalReasons.Conflict] = 1,
            }.OrderBy(r => r.Key),
            result.Refused.OrderBy(r => r.Key));

        var oversized = Enumerable.Range(0, 513).Select(i => Good($"pay-big-{i}", now - i)).ToArray();
        var tooMany = await grain.RecordAsync("store-b", oversized);
        Assert.Equal(513, tooMany.Refused[RefusalReasons.BatchTooLarge]);
        Assert.Equal(0, tooMany.Accepted);

        var badStore = await grain.RecordAsync("store/../a", [Good("pay-bad-store", now)]);
        Assert.Equal(1, badStore.Refused[RefusalReasons.BadStore]);

        var profile = await grain.ReadExcludingAsync("store-none");
        var only = Assert.Single(profile.Payments);
        Assert.Equal(("store-a", "pay-sound-1", 12.5), (only.StoreId, only.PaymentId, only.Amount));
    }
}
