using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Features;

/// <summary>
/// A store's card history merged with the other stores' payments gives the features one history holding every
/// store's payments gives, whatever order the payments and profiles arrive in, and never counts one twice.
/// </summary>
public sealed class OtherStoresMergeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private sealed record Paid(PaymentEvent Payment, int Store);

    private static List<Paid> Payments(int seed, int count, int stores, int cards)
    {
        var random = new Random(seed);
        var at = T0;
        var list = new List<Paid>(count);
        for (var i = 0; i < count; i++)
        {
            // Minutes to hours apart, some far enough for the windows to slide; every time distinct.
            at = at.AddMilliseconds(1 + random.Next(1, 6 * 3_600_000));
            var store = random.Next(stores);
            list.Add(new Paid(new PaymentEvent
            {
                TransactionId = "p" + i,
                StoreId = "s" + store,
                TerminalId = "t1",
                Timestamp = at,
                Amount = Math.Round((decimal)(random.NextDouble() * 300), 2),
                Currency = "USD",
                CardToken = "card-" + random.Next(cards),
                Mcc = "5411",
                Channel = PaymentChannel.Pos,
                MerchantId = "m" + store,
                Location = random.Next(4) == 0 ? null : new GeoPoint(40 + store, -70 - (store * 0.5)),
            }, store));
        }

        return list;
    }

    private static RecentPayment Recent(PaymentEvent p) => new(
        p.Timestamp.ToUnixTimeMilliseconds(), (double)p.Amount, StableHash.Of(FeatureExtractor.MerchantKey(p.MerchantId)),
        p.Location?.Latitude ?? double.NaN, p.Location?.Longitude ?? double.NaN);

    private static float[] Features(FeatureExtractor extractor, PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        extractor.ComputeAndApply(payment, features);
        return features;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EachStore_WithTheOtherStoresPayments_ComputesWhatOneHistoryOfEveryStoreComputes(int seed)
    {
        const int stores = 4;
        var payments = Payments(seed, 600, stores, 12);
        var oracle = new FeatureExtractor(new FeatureState());
        var states = Enumerable.Range(0, stores).Select(_ => new FeatureState()).ToArray();
        var extractors = states.Select(s => new FeatureExtractor(s)).ToArray();
        var seen = new List<Paid>();
        var random = new Random(seed);
        var withOthers = 0;
        foreach (var paid in payments)
        {
            var token = paid.Payment.CardToken;

            // Lag 0: the fleet's profile of the card without this store, in a shuffled order, sometimes offered twice.
            var others = seen.Where(s => s.Store != paid.Store && s.Payment.CardToken == token).Select(s => Recent(s.Payment))
                .OrderBy(_ => random.Next()).ToList();
            withOthers += others.Count > 0 ? 1 : 0;
            var receivedAt = paid.Payment.Timestamp;
            Assert.True(states[paid.Store].OfferOtherStores(token, others, receivedAt));
            if (random.Next(3) == 0)
            {
                Assert.True(states[paid.Store].OfferOtherStores(token, others, receivedAt));
            }

            Assert.Equal(Features(oracle, paid.Payment), Features(extractors[paid.Store], paid.Payment));
            seen.Add(paid);
        }

        Assert.True(withOthers > 100, $"only {withOthers} payments had other stores' history");
    }

    [Fact]
    public void AnOlderProfile_ArrivingAfterANewerOne_IsIgnored()
    {
        var state = new FeatureState();
        var newer = new RecentPayment(T0.AddHours(-1).ToUnixTimeMilliseconds(), 50, 7, double.NaN, double.NaN);
        var older = new RecentPayment(T0.AddHours(-2).ToUnixTimeMilliseconds(), 20, 7, double.NaN, double.NaN);
        state.OfferOtherStores("card-a", [older, newer], T0);
        state.OfferOtherStores("card-a", [older], T0.AddSeconds(-5));

        Assert.Equal(2, state.Card("card-a").Merged.Count);
        Assert.Empty(state.Card("card-a").Recent);
    }

    [Fact]
    public void OtherStoresPayments_AtOrAfterThePayment_DoNotCount()
    {
        var state = new FeatureState();
        var extractor = new FeatureExtractor(state);
        var later = new RecentPayment(T0.AddMinutes(1).ToUnixTimeMilliseconds(), 500, 9, double.NaN, double.NaN);
        var same = new RecentPayment(T0.ToUnixTimeMilliseconds(), 400, 9, double.NaN, double.NaN);
        var earlier = new RecentPayment(T0.AddMinutes(-1).ToUnixTimeMilliseconds(), 300, 9, double.NaN, double.NaN);
        state.OfferOtherStores("card-a", [later, same, earlier], T0);

        var f = Features(extractor, new PaymentEvent
        {
            TransactionId = "x",
            StoreId = "s1",
            TerminalId = "t1",
            Timestamp = T0,
            Amount = 10m,
            Currency = "USD",
            CardToken = "card-a",
            Mcc = "5411",
            Channel = PaymentChannel.Pos,
            MerchantId = "m1",
        });

        Assert.Equal(1f, f[FeatureSchema.Names.ToList().IndexOf("card_count_1h")]);
    }

    [Fact]
    public void TheSnapshot_HoldsOnlyThisStoresPayments()
    {
        var card = new CardHistory();
        card.Add(T0.ToUnixTimeMilliseconds(), 10, 1, null);
        card.ReplaceOtherStores([new RecentPayment(T0.AddMinutes(-5).ToUnixTimeMilliseconds(), 20, 2, double.NaN, double.NaN)], T0);

        Assert.Equal(2, card.Merged.Count);
        Assert.Single(card.ToSnapshot("card-a").Recent);
    }

    [Fact]
    public void TheCap_OnProfiles_RefusesNewCardsOnly()
    {
        var state = new FeatureState(new NoSource(), maxCardsInMemory: 1);
        Assert.True(state.OfferOtherStores("a", [], T0));
        Assert.True(state.OfferOtherStores("a", [], T0.AddSeconds(1)));
        Assert.False(state.OfferOtherStores("b", [], T0));
        Assert.Equal(1, state.ForgetOtherStoresBefore(T0.AddMinutes(1)));
        Assert.True(state.OfferOtherStores("b", [], T0));
    }

    private sealed class NoSource : IFeatureStateSource
    {
        public CardHistorySnapshot? FindCard(string cardToken) => null;

        public MerchantActivitySnapshot? FindMerchant(string merchantKey) => null;
    }
}
