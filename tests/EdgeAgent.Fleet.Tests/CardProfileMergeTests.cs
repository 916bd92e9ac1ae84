using System.Diagnostics.Metrics;
using EdgeAgent.Core.Features;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using EdgeAgent.Fleet.Profiles;
using EdgeAgent.Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Fleet.Tests;

/// <summary>The merge rules without a cluster: the same union whatever the order, repetition or lateness.</summary>
public sealed class CardProfileMergeTests
{
    private const string Card = "tok-merge";
    private static readonly string[] Stores = ["store-a", "store-b", "store-c", "store-d"];
    private static readonly FleetOptions Options = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Any_order_with_duplicates_and_replays_gives_the_state_of_each_payment_once(int seed)
    {
        var random = new Random(seed);
        var now = 1_800_000_000_000L;
        var payments = TestPayments.Generate(random, [Card], Stores, perCardPerStore: 40, now);

        var once = new CardProfileState();
        foreach (var store in payments.GroupBy(p => p.StoreId))
        {
            CardProfileMerge.Apply(once, Card, store.Key, [.. store.Select(p => p.Delta)], now, Options);
        }

        var shuffled = new CardProfileState();
        foreach (var batch in TestPayments.WithDuplicatesAndReplays(random, payments))
        {
            CardProfileMerge.Apply(shuffled, Card, batch.Store, batch.Batch, now, Options);
        }

        foreach (var excluded in Stores.Append("store-none"))
        {
            Assert.Equal(CardProfileMerge.Read(once, Card, excluded, now).Payments, CardProfileMerge.Read(shuffled, Card, excluded, now).Payments);
        }

        Assert.Equal(TestPayments.SeenOnce(payments), TestPayments.AsRecent(CardProfileMerge.Read(shuffled, Card, "store-none", now)));
    }

    [Fact]
    public void A_payment_that_arrives_after_its_window_has_passed_is_dropped_as_if_it_had_been_trimmed()
    {
        var now = 1_800_000_000_000L;
        const long Hour = 3600L * 1000;
        var options = new FleetOptions { MaxFutureSkew = TimeSpan.FromHours(1) };
        CardDelta At(string id, long at) => new(CardDelta.CurrentSchema, Card, id, at, 10, 1, double.NaN, double.NaN);

        // Within the clock's window but more than the retention before the card's newest payment (a terminal
        // clock running an hour ahead, within the allowed skew).
        var old = At("pay-old", now - CardHistory.RetentionMs + (Hour / 2));
        var newest = At("pay-newest", now + Hour);

        var oldFirst = new CardProfileState();
        Assert.Equal(1, CardProfileMerge.Apply(oldFirst, Card, "store-a", [old], now, options).Result.Accepted);
        Assert.Equal(1, CardProfileMerge.Apply(oldFirst, Card, "store-b", [newest], now, options).Result.Accepted);

        var newestFirst = new CardProfileState();
        Assert.Equal(1, CardProfileMerge.Apply(newestFirst, Card, "store-b", [newest], now, options).Result.Accepted);
        var stale = CardProfileMerge.Apply(newestFirst, Card, "store-a", [old], now, options).Result;
        Assert.Equal((0, 1, 0), (stale.Accepted, stale.Stale, stale.RefusedCount));

        var a = CardProfileMerge.Read(oldFirst, Card, "store-none", now);
        var b = CardProfileMerge.Read(newestFirst, Card, "store-none", now);
        Assert.Equal(a.Payments, b.Payments);
        Assert.Equal("pay-newest", Assert.Single(a.Payments).PaymentId);
        Assert.Equal(["store-b"], oldFirst.Slots.Keys);
    }

    [Fact]
    public void A_store_writes_only_its_own_slot_and_a_slot_keeps_at_most_an_agents_history()
    {
        var now = 1_800_000_000_000L;
        var state = new CardProfileState();
        var burst = Enumerable.Range(0, 3)
            .SelectMany(round => Enumerable.Range(0, 300).Select(i => new CardDelta(CardDelta.CurrentSchema, Card, $"pay-{round}-{i}", now - 1_000_000 + (round * 300) + i, 1, 1, double.NaN, double.NaN)))
            .Chunk(Options.MaxBatchDeltas);
        foreach (var batch in burst)
        {
            CardProfileMerge.Apply(state, Card, "store-a", batch, now, Options);
        }

        Assert.Equal(["store-a"], state.Slots.Keys);
        var profile = CardProfileMerge.Read(state, Card, "store-b", now);
        Assert.Equal(CardHistory.MaxRecent, profile.Payments.Count);
        Assert.Equal("pay-2-299", profile.Payments[^1].PaymentId);
        Assert.Empty(CardProfileMerge.Read(state, Card, "store-a", now).Payments);
    }

    [Fact]
    public void Refusals_are_counted_by_reason_on_the_fleet_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new FleetMetrics(services.GetRequiredService<IMeterFactory>());
        var counted = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FleetMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var label = instrument.Name + ":" + string.Join(",", tags.ToArray().Select(t => t.Value));
            counted[label] = counted.GetValueOrDefault(label) + value;
        });
        listener.Start();

        var now = 1_800_000_000_000L;
        var state = new CardProfileState();
        var result = CardProfileMerge.Apply(state, Card, "store-a",
        [
            new CardDelta(CardDelta.CurrentSchema, Card, "pay-1", now, 5, 1, double.NaN, double.NaN),
            new CardDelta(CardDelta.CurrentSchema, Card, "pay-1", now, 5, 1, double.NaN, double.NaN),
            new CardDelta(CardDelta.CurrentSchema, Card, "pay-2", now, double.NaN, 1, double.NaN, double.NaN),
            new CardDelta(CardDelta.CurrentSchema, Card, "pay-3", now + 3_600_000, 5, 1, double.NaN, double.NaN),
        ], now, Options).Result;
        var log = new RefusalLog(NullLogger<RefusalLog>.Instance, new FakeTimeProvider(), Microsoft.Extensions.Options.Options.Create(Options));
        CardProfileGrain.Report(result, "store-a", metrics, log);

        Assert.Equal(1, counted["edgeagent_fleet_refusals_total:" + RefusalReasons.BadAmount]);
        Assert.Equal(1, counted["edgeagent_fleet_refusals_total:" + RefusalReasons.Future]);
        Assert.Equal(1, counted["edgeagent_fleet_deltas_total:accepted"]);
        Assert.Equal(1, counted["edgeagent_fleet_deltas_total:duplicate"]);
    }
}
