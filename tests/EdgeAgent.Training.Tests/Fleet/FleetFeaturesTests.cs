using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Sparkov;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Fleet;
using EdgeAgent.Training.Layouts;
using EdgeAgent.Training.Tests.Mlp;
using Xunit;
using static EdgeAgent.Training.Tests.Data.SparkovRows;

namespace EdgeAgent.Training.Tests.Fleet;

public sealed class FleetFeaturesTests
{
    private const long T0 = 1701388800; // 2023-12-01T00:00:00Z

    private static readonly int Count1H = Index("card_count_1h");
    private static readonly int Count7D = Index("card_count_7d");
    private static readonly int Sum1H = Index("card_log_sum_1h");
    private static readonly int SecondsSinceLast = Index("log_seconds_since_last");
    private static readonly int MerchantCount24H = Index("merchant_count_24h");

    [Theory]
    [InlineData(50)]
    [InlineData(500)]
    public void At_lag_zero_every_store_computes_what_one_agent_seeing_every_store_computes(int stores)
    {
        var layout = new FleetLayout(StoreLayouts.DefaultSeed, stores, TimeSpan.Zero);
        var fleet = new FleetFeatures(layout.Lag);
        var alone = new FleetFeatures(null);
        var single = new FeatureExtractor(new FeatureState());
        var tokenizer = TrainingTokenizer.Create();
        var (f, a, s) = (new float[FeatureSchema.Count], new float[FeatureSchema.Count], new float[FeatureSchema.Count]);
        int rows = 0, differentAlone = 0;
        var routed = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(SampleData.Path);
        foreach (var record in SparkovCsv.Read(reader))
        {
            var token = tokenizer.Tokenize(Encoding.ASCII.GetBytes(record.CardNumber));
            Assert.True(layout.TryRoute(record, rows, out var address));
            routed.Add(address.StoreId);
            fleet.ComputeAndApply(SparkovMapping.ToEvent(record, token, address), f);
            alone.ComputeAndApply(SparkovMapping.ToEvent(record, token, address), a);
            single.ComputeAndApply(SparkovMapping.ToEvent(record, token), s);
            if (!f.AsSpan().SequenceEqual(s))
            {
                Assert.Fail($"row {rows}: [{string.Join(", ", f)}] at its store, [{string.Join(", ", s)}] in one state");
            }

            differentAlone += a.AsSpan().SequenceEqual(s) ? 0 : 1;
            rows++;
        }

        // The sample is a real slice: its cards pay at many stores, so the fleet's history is what made the features equal.
        Assert.Equal(16_624, rows);
        Assert.Equal(routed.Count, fleet.StoreCount);
        Assert.True(fleet.StoreCount > Math.Min(stores / 2, 100), $"{fleet.StoreCount} stores saw payments");
        Assert.True(fleet.Delivered > rows, $"{fleet.Delivered} payments reached another store");
        Assert.Equal(0, alone.Delivered);
        Assert.True(differentAlone > rows / 2, $"{differentAlone} of {rows} rows differ when each store is alone");
    }

    [Fact]
    public void A_payment_at_one_store_reaches_another_only_once_the_lag_has_passed()
    {
        var fleet = new FleetFeatures(TimeSpan.FromSeconds(10));
        var f = new float[FeatureSchema.Count];

        fleet.ComputeAndApply(Payment(T0, "store-a", 100), f);
        fleet.ComputeAndApply(Payment(T0 + 9, "store-b", 20), f);
        Assert.Equal(0f, f[Count1H]); // 9 s after the payment at A: not at B yet

        fleet.ComputeAndApply(Payment(T0 + 10, "store-b", 20), f);
        Assert.Equal(2f, f[Count1H]); // 10 s after: A's payment and B's own
        Assert.Equal((float)Math.Log(1 + 120.0), f[Sum1H]);

        // B's payments reach A on the same terms, and A never receives its own payment back.
        fleet.ComputeAndApply(Payment(T0 + 18, "store-a", 5), f);
        Assert.Equal(1f, f[Count1H]); // its own at T0; B's at T0 + 9 is 9 s old
        fleet.ComputeAndApply(Payment(T0 + 20, "store-a", 5), f);
        Assert.Equal(4f, f[Count1H]); // its own two and B's two
        Assert.Equal(5, fleet.StateOf("store-a").Card(Token(CardA)).Recent.Count);
    }

    [Fact]
    public void A_payment_that_arrives_late_joins_the_history_at_its_own_time()
    {
        var fleet = new FleetFeatures(TimeSpan.FromHours(1));
        var f = new float[FeatureSchema.Count];

        fleet.ComputeAndApply(Payment(T0, "store-a", 10), f);
        fleet.ComputeAndApply(Payment(T0 + 1800, "store-b", 10), f);
        Assert.Equal(0f, f[Count7D]);
        fleet.ComputeAndApply(Payment(T0 + 3000, "store-a", 10), f);
        Assert.Equal(1f, f[Count7D]); // B's payment is 20 min old: not at A yet

        // At T0 + 90 min B's payment (T0 + 30 min) reaches A, after A's payment at T0 + 50 min: it counts, and it is
        // placed at its own time, so the time since the card's last payment is still measured from T0 + 50 min.
        fleet.ComputeAndApply(Payment(T0 + 5400, "store-a", 10), f);
        Assert.Equal(3f, f[Count7D]);
        Assert.Equal((float)Math.Log(1 + 2400.0), f[SecondsSinceLast]);
        var history = fleet.StateOf("store-a").Card(Token(CardA)).Recent;
        Assert.Equal([T0 * 1000, (T0 + 1800) * 1000, (T0 + 3000) * 1000, (T0 + 5400) * 1000], history.Select(p => p.UnixMs));
    }

    [Fact]
    public void A_store_alone_never_sees_another_stores_payments_and_merchants_stay_with_their_store()
    {
        var fleet = new FleetFeatures(null);
        var f = new float[FeatureSchema.Count];

        fleet.ComputeAndApply(Payment(T0, "store-a", 10, merchant: "m-a"), f);
        fleet.ComputeAndApply(Payment(T0 + 86_400, "store-b", 10, merchant: "m-b"), f);
        Assert.Equal(0f, f[Count7D]);
        fleet.ComputeAndApply(Payment(T0 + 90_000, "store-a", 10, merchant: "m-a"), f);
        Assert.Equal(1f, f[Count7D]);
        Assert.Equal(0, fleet.Delivered);

        var linked = new FleetFeatures(TimeSpan.Zero);
        linked.ComputeAndApply(Payment(T0, "store-a", 10, merchant: "m-a"), f);
        linked.ComputeAndApply(Payment(T0 + 60, "store-b", 10, merchant: "m-b"), f);
        Assert.Equal(1f, f[Count7D]);
        Assert.Equal(0f, f[MerchantCount24H]); // merchant m-b's first payment, whatever the card did at store A
        Assert.Equal(1, linked.StateOf("store-b").MerchantCount);
    }

    [Fact]
    public void The_fleet_layouts_put_each_merchant_in_one_store_and_replay_one_state_per_store()
    {
        var layouts = new StoreLayout[]
        {
            new MerchantStoreLayout(),
            new FleetLayout(StoreLayouts.DefaultSeed, 50, TimeSpan.Zero),
            new FleetLayout(StoreLayouts.DefaultSeed, 50, null),
        };
        var replays = FeatureReplay.RunFile(SampleData.Path, new TimeSplit(MonthRange.Parse("2023-10"), MonthRange.Parse("2023-11"), MonthRange.Parse("2023-12")), layouts, CardSplit.Default);

        Assert.Equal(["one-terminal-per-merchant", "fleet-50-lag-0s", "fleet-50-alone"], replays.Select(r => r.Layout));
        Assert.Equal(replays[0].Test.Rows, replays[1].Test.Rows);
        Assert.Equal(replays[0].Cards, replays[1].Cards);
        for (var row = 0; row < replays[0].Test.Rows; row++)
        {
            Assert.True(replays[0].Test.Row(row).SequenceEqual(replays[1].Test.Row(row)), $"test row {row}");
        }

        var sameAlone = Enumerable.Range(0, replays[0].Test.Rows).Count(r => replays[0].Test.Row(r).SequenceEqual(replays[2].Test.Row(r)));
        Assert.True(sameAlone < replays[0].Test.Rows / 2, $"{sameAlone} rows alike with each store alone");
    }

    [Fact]
    public void The_profile_age_is_how_long_ago_the_newest_other_stores_payment_reached_the_store()
    {
        var fleet = new FleetFeatures(TimeSpan.FromMinutes(1));
        var f = new float[FeatureSchema.Count];

        fleet.ComputeAndApply(Payment(T0, "store-a", 10), f);
        Assert.Null(fleet.ProfileAgeMs); // nothing from another store yet
        fleet.ComputeAndApply(Payment(T0 + 30, "store-b", 10), f);
        Assert.Null(fleet.ProfileAgeMs); // A's payment is 30 s old: not at B before T0 + 60 s
        fleet.ComputeAndApply(Payment(T0 + 300, "store-b", 10), f);
        Assert.Equal(240_000, fleet.ProfileAgeMs); // it reached B at T0 + 60 s

        // At A: B's payments of T0 + 30 s and T0 + 300 s arrived at T0 + 90 s and T0 + 360 s.
        fleet.ComputeAndApply(Payment(T0 + 420, "store-a", 10), f);
        Assert.Equal(60_000, fleet.ProfileAgeMs);
        Assert.Equal(-1f, ProfileAgeExperiment.AgeFeature(null));
        Assert.Equal((float)Math.Log(61), ProfileAgeExperiment.AgeFeature(60_000));

        var alone = new FleetFeatures(null);
        alone.ComputeAndApply(Payment(T0, "store-a", 10), f);
        alone.ComputeAndApply(Payment(T0 + 300, "store-b", 10), f);
        Assert.Null(alone.ProfileAgeMs);
    }

    [Fact]
    public void Lags_drawn_per_store_and_hour_hold_within_the_hour_and_use_every_listed_lag()
    {
        TimeSpan[] lags = [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];
        var drawn = ProfileAgeExperiment.MixedLags(lags, StoreLayouts.DefaultSeed);
        var hour = T0 * 1000;
        Assert.Equal(drawn(3, hour), drawn(3, hour + 3_599_999));
        Assert.Equal(lags.ToHashSet(), Enumerable.Range(0, 200).Select(h => drawn(3, hour + (h * 3_600_000L))).ToHashSet());
        Assert.Equal(lags.ToHashSet(), Enumerable.Range(0, 200).Select(store => drawn(store, hour)).ToHashSet());

        // Store A (the first to pay, index 0) has no lag, store B (index 1) an hour.
        var fleet = FleetFeatures.WithLags((store, _) => store == 0 ? TimeSpan.Zero : TimeSpan.FromHours(1));
        var f = new float[FeatureSchema.Count];
        fleet.ComputeAndApply(Payment(T0, "store-a", 10), f);
        fleet.ComputeAndApply(Payment(T0 + 60, "store-b", 10), f);
        Assert.Equal(0f, f[Count1H]);
        fleet.ComputeAndApply(Payment(T0 + 120, "store-a", 10), f);
        Assert.Equal(2f, f[Count1H]);
        Assert.Equal(60_000, fleet.ProfileAgeMs);
    }

    [Fact]
    public void Flagged_at_a_recall_counts_every_payment_scored_at_least_the_last_fraud_it_needs()
    {
        float[] scores = [0.9f, 0.8f, 0.7f, 0.1f, 0.7f];
        bool[] labels = [true, false, true, false, false];
        Assert.Equal(0.2, ProfileAgeExperiment.FlaggedAtRecall(scores, labels, 0.5));
        Assert.Equal(0.8, ProfileAgeExperiment.FlaggedAtRecall(scores, labels, 0.95)); // the tie at 0.7 is flagged too
    }

    private static PaymentEvent Payment(long unixTime, string store, decimal amount, string card = CardA, string merchant = "fraud_Kuhn LLC") =>
        SparkovMapping.ToEvent(Row(unixTime, card, amount, merchant: merchant), Token(card), new TopicAddress(store, "t1"));

    private static string Token(string card) => TrainingTokenizer.Create().Tokenize(Encoding.ASCII.GetBytes(card));

    private static int Index(string name) => FeatureSchema.Names.ToList().IndexOf(name);
}
