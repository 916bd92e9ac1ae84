using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.Profiles;
using EdgeAgent.Fleet.Tests.Infrastructure;

namespace EdgeAgent.Fleet.Tests;

/// <summary>
/// A key rotation's fold without a cluster: whatever the order of the deltas of both keys and of the folds, and however
/// often a fold is repeated, the current-key card ends as one card that saw every payment once.
/// </summary>
public sealed class CardProfileFoldTests
{
    private const string Previous = "k1.previous-card";
    private const string Current = "k2.current-card";
    private static readonly FleetOptions Options = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Folds_in_any_order_and_repeated_give_the_card_that_saw_every_payment_once(int seed)
    {
        var random = new Random(seed);
        var now = 1_800_000_000_000L;
        var before = TestPayments.Generate(random, [Previous], ["store-a", "store-b", "store-c"], perCardPerStore: 12, now);
        var after = TestPayments.Generate(random, [Current], ["store-b", "store-d"], perCardPerStore: 12, now);

        // Both keys' deltas with duplicates and replays, shuffled together; a fold at random moments (a store's link),
        // and one after every previous-key batch once bound (the uplink folds a late previous-key payment again).
        var operations = TestPayments.WithDuplicatesAndReplays(random, before).Concat(TestPayments.WithDuplicatesAndReplays(random, after)).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(operations));
        var previous = new CardProfileState();
        var current = new CardProfileState();
        var folds = 0;
        void Fold()
        {
            var export = CardProfileMerge.Read(previous, Previous, "", now).Payments;
            Assert.NotEqual(FoldOutcomes.Conflict, CardProfileFold.Apply(current, Previous, export, now, Options).Result.Outcome);
            folds++;
        }

        foreach (var (store, card, batch) in operations)
        {
            CardProfileMerge.Apply(card == Previous ? previous : current, card, store, batch, now, Options);
            if ((card == Previous && current.FoldedFrom is not null) || random.Next(6) == 0)
            {
                Fold();
            }
        }

        Fold();
        Fold();

        Assert.True(folds > 3);
        Assert.Equal(Previous, current.FoldedFrom);
        foreach (var excluded in new[] { "store-a", "store-b", "store-c", "store-d", "store-none" })
        {
            Assert.Equal(
                TestPayments.SeenOnce(before.Concat(after).Where(p => p.StoreId != excluded)),
                TestPayments.AsRecent(CardProfileMerge.Read(current, Current, excluded, now)));
        }

        // The previous-key card keeps its own history: the fold copies, never moves or rewrites.
        Assert.Equal(TestPayments.SeenOnce(before), TestPayments.AsRecent(CardProfileMerge.Read(previous, Previous, "store-none", now)));
    }

    [Fact]
    public void A_card_takes_one_previous_key_card_only_and_a_repeated_fold_changes_nothing()
    {
        var now = 1_800_000_000_000L;
        ProfilePayment At(string store, string id, long at) => new(store, id, at, 10, 1, double.NaN, double.NaN);
        var current = new CardProfileState();

        var first = CardProfileFold.Apply(current, Previous, [At("store-a", "p1", now - 1000), At("store-b", "p2", now - 500)], now, Options);
        Assert.Equal((FoldOutcomes.Folded, 2, true), (first.Result.Outcome, first.Result.Added, first.Changed));

        var again = CardProfileFold.Apply(current, Previous, [At("store-a", "p1", now - 1000), At("store-b", "p2", now - 500)], now, Options);
        Assert.Equal((FoldOutcomes.Already, 0, false), (again.Result.Outcome, again.Result.Added, again.Changed));

        var other = CardProfileFold.Apply(current, "k1.another-card", [At("store-c", "p9", now - 100)], now, Options);
        Assert.Equal((FoldOutcomes.Conflict, false), (other.Result.Outcome, other.Changed));
        Assert.Equal(["store-a", "store-b"], current.Slots.Keys.Order());
        Assert.Equal(Previous, current.FoldedFrom);
    }

    [Fact]
    public void Nothing_on_either_side_binds_nothing_and_slots_beyond_the_cap_are_left_out()
    {
        var now = 1_800_000_000_000L;
        var empty = new CardProfileState();
        var nothing = CardProfileFold.Apply(empty, Previous, [], now, Options);
        Assert.Equal((FoldOutcomes.Empty, false), (nothing.Result.Outcome, nothing.Changed));
        Assert.Null(empty.FoldedFrom);

        var capped = new CardProfileState();
        var options = new FleetOptions { MaxStoresPerCard = 2 };
        var result = CardProfileFold.Apply(capped, Previous,
            [.. Enumerable.Range(0, 4).Select(i => new ProfilePayment($"store-{i}", $"p{i}", now - 1000 + i, 10, 1, double.NaN, double.NaN))], now, options).Result;
        Assert.Equal((2, 2), (result.Added, result.TooManyStores));
        Assert.Equal(2, capped.Slots.Count);
    }
}
