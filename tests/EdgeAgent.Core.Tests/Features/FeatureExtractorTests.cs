using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Tests.Features;

public sealed class FeatureExtractorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero); // a Monday

    private static int F(string name) => FeatureSchema.Names.ToList().IndexOf(name);

    private static PaymentEvent Payment(
        DateTimeOffset at, decimal amount = 10m, string card = "card-a", string terminal = "t1",
        PaymentChannel channel = PaymentChannel.Pos, string mcc = "5411", GeoPoint? location = null, string merchant = "m1", string store = "s1") => new()
        {
            TransactionId = Guid.NewGuid().ToString("N"),
            StoreId = store,
            TerminalId = terminal,
            Timestamp = at,
            Amount = amount,
            Currency = "USD",
            CardToken = card,
            Mcc = mcc,
            Channel = channel,
            MerchantId = merchant,
            Location = location,
        };

    private static float[] Score(FeatureExtractor extractor, PaymentEvent payment)
    {
        var features = new float[FeatureSchema.Count];
        extractor.ComputeAndApply(payment, features);
        return features;
    }

    [Fact]
    public void FirstPayment_OfACard_HasNoHistory()
    {
        var f = Score(new FeatureExtractor(new FeatureState()), Payment(T0, 100m, location: new GeoPoint(1, 1)));

        Assert.Equal(100f, f[F("amount")]);
        Assert.Equal((float)Math.Log(101), f[F("log_amount")], 5);
        Assert.Equal(1f, f[F("amount_to_card_max_7d")]);
        Assert.Equal(1f, f[F("amount_to_card_mean_7d")]);
        Assert.Equal((float)Math.Log(1 + (7 * 24 * 3600)), f[F("log_seconds_since_last")], 5);
        Assert.Equal(0f, f[F("card_count_24h")]);
        Assert.Equal(-1f, f[F("log_km_from_last")]);
        Assert.Equal(0f, f[F("merchant_count_1h")]);
    }

    [Fact]
    public void Windows_CountOnlyEarlierPaymentsWithinEachWindow()
    {
        var extractor = new FeatureExtractor(new FeatureState());
        Score(extractor, Payment(T0.AddDays(-3), 40m));
        Score(extractor, Payment(T0.AddHours(-5), 20m));
        Score(extractor, Payment(T0.AddMinutes(-30), 10m));

        var f = Score(extractor, Payment(T0, 70m));

        Assert.Equal(1f, f[F("card_count_1h")]);
        Assert.Equal(2f, f[F("card_count_24h")]);
        Assert.Equal(3f, f[F("card_count_7d")]);
        Assert.Equal((float)Math.Log(1 + 30), f[F("card_log_sum_24h")], 5);
        Assert.Equal((float)Math.Log(1 + 70), f[F("card_log_sum_7d")], 5);
        Assert.Equal((float)Math.Log(1 + 1800), f[F("log_seconds_since_last")], 5);
        Assert.Equal((float)(70 / (70 / 3.0)), f[F("amount_to_card_mean_7d")], 5);
        Assert.Equal(70f / 40f, f[F("amount_to_card_max_7d")], 5);
    }

    [Fact]
    public void Windows_DoNotSeeALaterPaymentThatArrivedEarlier()
    {
        var extractor = new FeatureExtractor(new FeatureState());
        Score(extractor, Payment(T0.AddMinutes(10), 500m)); // arrives first, happened later

        var f = Score(extractor, Payment(T0, 5m));

        Assert.Equal(0f, f[F("card_count_1h")]);
        Assert.Equal((float)Math.Log(1 + (7 * 24 * 3600)), f[F("log_seconds_since_last")], 5);
    }

    [Fact]
    public void ZScore_ComparesWithTheCardsUsualAmountOverSevenDays()
    {
        var extractor = new FeatureExtractor(new FeatureState());
        Score(extractor, Payment(T0.AddDays(-9), 1000m)); // older than the window: no longer the card's usual
        foreach (var amount in new[] { 10m, 12m, 14m })
        {
            Score(extractor, Payment(T0.AddDays(-5).AddHours((double)amount), amount));
        }

        var f = Score(extractor, Payment(T0, 32m));

        Assert.Equal(10f, f[F("amount_zscore_card_7d")], 4); // mean 12, sd 2
        Assert.Equal(3f, f[F("card_count_7d")]);
    }

    [Fact]
    public void FeaturesLookBackSevenDaysAtMost_SoTheyDoNotDependOnHowLongTheAgentHasRun()
    {
        var longRunning = new FeatureExtractor(new FeatureState());
        var freshStart = new FeatureExtractor(new FeatureState());
        for (var day = 30; day > 0; day--)
        {
            var old = Payment(T0.AddDays(-day), 20m + day, location: new GeoPoint(day, day));
            Score(longRunning, old);
            if (day <= 7)
            {
                Score(freshStart, old);
            }
        }

        var now = Payment(T0, 55m, location: new GeoPoint(0, 0));
        Assert.Equal(Score(longRunning, now), Score(freshStart, now));
    }

    [Fact]
    public void CardsAndMerchants_AreKeptApart()
    {
        var extractor = new FeatureExtractor(new FeatureState());
        Score(extractor, Payment(T0.AddMinutes(-5), card: "card-a", merchant: "m1"));
        Score(extractor, Payment(T0.AddMinutes(-4), card: "card-b", merchant: "m1"));
        Score(extractor, Payment(T0.AddMinutes(-3), card: "card-a", merchant: "m2"));

        var f = Score(extractor, Payment(T0, card: "card-b", merchant: "m1"));

        Assert.Equal(1f, f[F("card_count_1h")]);
        Assert.Equal(2f, f[F("merchant_count_1h")]);
        Assert.Equal(1f, f[F("card_merchants_24h")]);
        var a = Score(extractor, Payment(T0, card: "card-a", merchant: "m3"));
        Assert.Equal(2f, a[F("card_merchants_24h")]);
    }

    [Fact]
    public void MerchantFeatures_DoNotDependOnWhichStoreOrTerminalThePaymentCameThrough()
    {
        // The same payments, sent once through one terminal and once spread over stores and terminals that
        // several merchants share: every feature of every payment is the same.
        var oneTerminal = new FeatureExtractor(new FeatureState());
        var spread = new FeatureExtractor(new FeatureState());
        for (var i = 0; i < 40; i++)
        {
            var at = T0.AddMinutes(-200 + (i * 5));
            var (card, merchant, amount) = ($"card-{i % 3}", $"m{i % 4}", 5m + (i * 7 % 60));
            var a = Score(oneTerminal, Payment(at, amount, card, merchant: merchant, store: merchant, terminal: "t1", location: new GeoPoint(i % 5, 1)));
            var b = Score(spread, Payment(at, amount, card, merchant: merchant, store: $"s{i % 2}", terminal: $"t{i % 7}", location: new GeoPoint(i % 5, 1)));
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void TimeFeatures_UseTheTerminalsLocalTime()
    {
        var lateEvening = new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.FromHours(2)); // Sunday 23:30 local = 21:30 UTC

        var f = Score(new FeatureExtractor(new FeatureState()), Payment(lateEvening, channel: PaymentChannel.Ecommerce, mcc: "0000"));

        Assert.Equal(23f, f[F("hour_of_day")]);
        Assert.Equal(1f, f[F("is_night")]);
        Assert.Equal(6f, f[F("day_of_week")]);
        Assert.Equal(1f, f[F("is_ecommerce")]);
        Assert.Equal(0f, f[F("mcc_index")]);
    }

    [Fact]
    public void Distance_IsFromTheCardsLastLocation()
    {
        var extractor = new FeatureExtractor(new FeatureState());
        Score(extractor, Payment(T0.AddHours(-1), location: new GeoPoint(48.8566, 2.3522))); // Paris

        var f = Score(extractor, Payment(T0, location: new GeoPoint(51.5074, -0.1278))); // London, ~344 km

        Assert.InRange(Math.Exp(f[F("log_km_from_last")]) - 1, 330, 360);
    }

    [Fact]
    public void State_RestoredFromSnapshots_GivesTheSameFeatures()
    {
        var original = new FeatureState();
        var extractor = new FeatureExtractor(original);
        for (var i = 0; i < 20; i++)
        {
            Score(extractor, Payment(T0.AddMinutes(-90 + (i * 4)), 5m + i, card: i % 2 == 0 ? "card-a" : "card-b", location: new GeoPoint(i, i)));
        }

        var changes = original.TakeChanges();
        var restored = new FeatureState();
        restored.Restore(changes.Cards, changes.Merchants);

        var next = Payment(T0, 99m, location: new GeoPoint(3, 3));
        Assert.Equal(Score(extractor, next), Score(new FeatureExtractor(restored), next));
    }

    [Fact]
    public void TakeChanges_ReturnsEachChangedCardAndMerchantOnce()
    {
        var state = new FeatureState();
        var extractor = new FeatureExtractor(state);
        Score(extractor, Payment(T0, card: "card-a"));
        Score(extractor, Payment(T0.AddSeconds(1), card: "card-a"));
        Score(extractor, Payment(T0.AddSeconds(2), card: "card-b"));

        var changes = state.TakeChanges();

        Assert.Equal(["card-a", "card-b"], changes.Cards.Select(c => c.CardToken).Order());
        Assert.Equal(2, changes.Cards.Single(c => c.CardToken == "card-a").Recent.Length);
        Assert.Single(changes.Merchants);
        Assert.True(state.TakeChanges().IsEmpty);
    }

    [Fact]
    public void CardHistory_ForgetsPaymentsOlderThanSevenDays()
    {
        var card = new CardHistory();
        card.Add(T0.AddDays(-8).ToUnixTimeMilliseconds(), 1, 0, null);
        card.Add(T0.ToUnixTimeMilliseconds(), 2, 0, null);

        Assert.Equal(2, Assert.Single(card.Recent).Amount);
    }
}
