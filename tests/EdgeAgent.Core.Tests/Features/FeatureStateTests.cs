using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Features;

/// <summary>The agent's feature state: bounded, snapshotted a few at a time, found again in the store without a read on the loop.</summary>
public sealed class FeatureStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static int F(string name) => FeatureSchema.Names.ToList().IndexOf(name);

    private static PaymentEvent Payment(string card, DateTimeOffset at, string merchant = "m1", string? previousCard = null) => new()
    {
        TransactionId = Guid.NewGuid().ToString("N"),
        StoreId = "s1",
        TerminalId = "t1",
        Timestamp = at,
        Amount = 10m,
        Currency = "USD",
        CardToken = card,
        PreviousCardToken = previousCard,
        Mcc = "5411",
        Channel = PaymentChannel.Pos,
        MerchantId = merchant,
    };

    /// <summary>Applies payments as the scoring loop does: numbered, stamped, snapshotted a few at a time into the store.</summary>
    private static float[] Pay(FeatureState state, FeatureExtractor extractor, ref long sequence, PaymentEvent payment, MemorySource store, int budget = 64)
    {
        state.Sequence = ++sequence;
        state.Ticks = sequence;
        var features = new float[FeatureSchema.Count];
        extractor.ComputeAndApply(payment, features);
        store.Take(state.TakeChanges(sequence, budget));
        return features;
    }

    [Fact]
    public void PastTheCap_CardsLeaveMemory_OnlyOncePersisted()
    {
        var store = new MemorySource();
        var state = new FeatureState(store, maxCardsInMemory: 1000);
        var extractor = new FeatureExtractor(state);
        long sequence = 0;
        for (var i = 0; i < 20_000; i++)
        {
            Pay(state, extractor, ref sequence, Payment("card-" + i, T0.AddSeconds(i)), store);
        }

        Assert.InRange(state.CardCount, 1000, 1000 + 64);
        Assert.True(state.Evictions >= 18_900);
        Assert.All(Enumerable.Range(0, 18_000), i => Assert.True(store.Cards.ContainsKey("card-" + i)));
    }

    [Fact]
    public void AnEvictedCardPayingAgain_IsReadAhead_AndItsHistoryGoesOn()
    {
        var store = new MemorySource();
        var state = new FeatureState(store, maxCardsInMemory: 10);
        var extractor = new FeatureExtractor(state);
        long sequence = 0;
        Pay(state, extractor, ref sequence, Payment("regular", T0), store);
        for (var i = 0; i < 200; i++)
        {
            Pay(state, extractor, ref sequence, Payment("other-" + i, T0.AddMinutes(1)), store);
        }

        Assert.False(state.NeedsReading("never-seen", "m1").Card);
        Assert.True(state.NeedsReading("regular", "m1").Card);

        // What intake does on the receiving thread, then the loop.
        var marks = state.Marks;
        var prefetch = new StatePrefetch(store.FindCard("regular"), null, null, marks.Cards, marks.Merchants);
        state.Prime(prefetch, "regular", null, "m1");
        var reads = store.Reads;
        var f = Pay(state, extractor, ref sequence, Payment("regular", T0.AddMinutes(2)), store);

        Assert.Equal(1f, f[F("card_count_24h")]);
        Assert.Equal(reads, store.Reads);
        Assert.Equal(0, state.ColdReads);
    }

    [Fact]
    public void ReadAheadThatAnEvictionOvertook_IsNotUsed()
    {
        var store = new MemorySource();
        var state = new FeatureState(store, maxCardsInMemory: 1);
        var extractor = new FeatureExtractor(state);
        long sequence = 0;
        Pay(state, extractor, ref sequence, Payment("a", T0), store);
        Pay(state, extractor, ref sequence, Payment("b", T0.AddSeconds(1)), store);
        var stale = store.FindCard("a");
        var marks = state.Marks;

        // "a" comes back into memory, pays, and is evicted again with newer state before the stale read is installed.
        Pay(state, extractor, ref sequence, Payment("a", T0.AddSeconds(2)), store);
        Pay(state, extractor, ref sequence, Payment("b", T0.AddSeconds(3)), store);
        state.Prime(new StatePrefetch(stale, null, null, marks.Cards, marks.Merchants), "a", null, "m1");
        var f = Pay(state, extractor, ref sequence, Payment("a", T0.AddSeconds(4)), store);

        // The stale read held one payment; the store's latest holds two: the loop read the latest itself.
        Assert.Equal(2f, f[F("card_count_24h")]);
        Assert.True(state.ColdReads > 0);
    }

    [Fact]
    public void Snapshots_WaitUntilDue_AndCoverOnlyWhatIsPersisted()
    {
        var state = new FeatureState(new MemorySource());
        var extractor = new FeatureExtractor(state);
        foreach (var (card, seq) in new[] { ("a", 1L), ("b", 2L), ("a", 3L), ("c", 4L) })
        {
            state.Sequence = seq;
            state.Ticks = seq * 100;
            extractor.ComputeAndApply(Payment(card, T0.AddSeconds(seq)), new float[FeatureSchema.Count]);
        }

        var early = state.TakeChanges(dueTicks: 150, budget: 10);
        Assert.Equal(["a"], early.Cards.Select(c => c.CardToken));
        Assert.Equal(3, early.Cards[0].Sequence);
        Assert.Equal(1, early.CoveredThrough); // b (from payment 2) is not persisted yet

        var rest = state.TakeChanges(dueTicks: 1000, budget: 10);
        Assert.Equal(["b", "c"], rest.Cards.Select(c => c.CardToken));
        Assert.Equal(4, rest.CoveredThrough);
    }

    [Fact]
    public void Replay_AppliesAPaymentOnlyToEntitiesWhoseSnapshotsLackIt()
    {
        var state = new FeatureState(new MemorySource());
        state.Restore([new CardHistorySnapshot("a", [new RecentPayment(T0.ToUnixTimeMilliseconds(), 10, 0, double.NaN, double.NaN)]) { Sequence = 5 }], []);
        var extractor = new FeatureExtractor(state);

        state.Sequence = 5;
        extractor.Apply(FeatureUpdate.Of(Payment("a", T0)));
        state.Sequence = 6;
        extractor.Apply(FeatureUpdate.Of(Payment("a", T0.AddMinutes(1))));

        Assert.Equal(2, state.Card("a").Recent.Count);
    }

    [Fact]
    public void DuringAKeyRotation_ACardsHistoryIsFoundUnderItsPreviousToken()
    {
        var store = new MemorySource();
        var state = new FeatureState(store);
        var extractor = new FeatureExtractor(state);
        long sequence = 0;
        Pay(state, extractor, ref sequence, Payment("k1.old", T0), store);

        state.Prime(default, "k2.new", "k1.old", "m1");
        var f = Pay(state, extractor, ref sequence, Payment("k2.new", T0.AddMinutes(1), previousCard: "k1.old"), store);

        Assert.Equal(1f, f[F("card_count_24h")]);
    }

    /// <summary>1.2 million payments: a soak, out of the default run (scripts/test.sh); run it with <c>--filter Category=Soak</c>.</summary>
    [Fact]
    [Trait("Category", "Soak")]
    public void MillionsOfDistinctCards_DoNotGrowMemoryPastTheCap()
    {
        var store = new MemorySource(keep: false);
        var state = new FeatureState(store, maxCardsInMemory: 10_000, maxMerchantsInMemory: 1000);
        var extractor = new FeatureExtractor(state);
        long sequence = 0;
        for (var i = 0; i < 200_000; i++)
        {
            Pay(state, extractor, ref sequence, Payment("warm-" + i, T0.AddMilliseconds(i), "m" + (i % 5000)), store);
        }

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 1_000_000; i++)
        {
            Pay(state, extractor, ref sequence, Payment("card-" + i, T0.AddMilliseconds(i), "m" + (i % 50_000)), store);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.InRange(state.CardCount, 10_000, 10_100);
        Assert.InRange(state.MerchantCount, 1000, 1100);
        Assert.True(after - before < 32 * 1024 * 1024, $"grew by {(after - before) / 1024 / 1024} MB");
    }

    /// <summary>A store of snapshots in memory (or one that forgets them, to measure the state alone).</summary>
    private sealed class MemorySource(bool keep = true) : IFeatureStateSource
    {
        public Dictionary<string, CardHistorySnapshot> Cards { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, MerchantActivitySnapshot> Merchants { get; } = new(StringComparer.Ordinal);

        public int Reads { get; private set; }

        public CardHistorySnapshot? FindCard(string cardToken)
        {
            Reads++;
            return Cards.GetValueOrDefault(cardToken);
        }

        public MerchantActivitySnapshot? FindMerchant(string merchantKey)
        {
            Reads++;
            return Merchants.GetValueOrDefault(merchantKey);
        }

        public void Take(FeatureStateChanges changes)
        {
            if (!keep)
            {
                return;
            }

            foreach (var card in changes.Cards)
            {
                Cards[card.CardToken] = card;
            }

            foreach (var merchant in changes.Merchants)
            {
                Merchants[merchant.MerchantKey] = merchant;
            }
        }
    }
}
