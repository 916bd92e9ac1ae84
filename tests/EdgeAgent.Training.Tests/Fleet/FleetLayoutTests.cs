using System.CommandLine;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Layouts;
using Xunit;
using static EdgeAgent.Training.Tests.Data.SparkovRows;

namespace EdgeAgent.Training.Tests.Fleet;

public sealed class FleetLayoutTests
{
    [Fact]
    public void All_layouts_hold_every_lag_and_the_stores_alone_for_50_and_500_stores()
    {
        var names = StoreLayouts.All(StoreLayouts.DefaultSeed, TimeSplit.Default).Select(l => l.Name).ToList();
        foreach (var stores in new[] { 50, 500 })
        {
            foreach (var lag in new[] { "0s", "10s", "1m", "10m", "1h" })
            {
                Assert.Contains($"fleet-{stores}-lag-{lag}", names);
            }

            Assert.Contains($"fleet-{stores}-alone", names);
        }

        Assert.Equal("one-terminal-per-merchant", names[0]);
        Assert.Equal(4 + 12, names.Count);
    }

    [Fact]
    public void The_options_choose_stores_lags_and_the_layout_a_model_trains_in()
    {
        var layouts = StoreLayouts.Parse(Parsed("--fleet-stores", "7", "--fleet-lags", "0,250ms,2h", "--train-layout", "fleet-7-alone", "--layouts", "all"), TimeSplit.Default);

        Assert.Equal("fleet-7-alone", layouts[0].Name);
        Assert.Null(Assert.IsType<FleetLayout>(layouts[0]).Lag);
        var fleets = layouts.OfType<FleetLayout>().Where(l => l.Lag is not null).ToList();
        Assert.Equal(["fleet-7-lag-0s", "fleet-7-lag-250ms", "fleet-7-lag-2h"], fleets.Select(l => l.Name));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromHours(2)], fleets.Select(l => l.Lag!.Value));
        Assert.Equal(4 + 4, layouts.Count);

        Assert.DoesNotContain(StoreLayouts.Parse(Parsed("--fleet-stores", "none"), TimeSplit.Default), l => l is FleetLayout);
    }

    [Theory]
    [InlineData("--fleet-lags", "10 s")]
    [InlineData("--fleet-lags", "-1m")]
    [InlineData("--fleet-lags", "1d")]
    [InlineData("--fleet-stores", "0")]
    [InlineData("--fleet-stores", "fifty")]
    [InlineData("--train-layout", "fleet-3-alone")]
    public void A_bad_fleet_option_is_refused_with_its_name(string option, string value)
    {
        // A value that does not parse is a parse error; a layout that is not among the others is refused when read.
        var command = new Command("layouts");
        StoreLayouts.AddOptions(command);
        var result = command.Parse([option, value]);
        var message = result.Errors.Count > 0
            ? string.Join(" ", result.Errors.Select(e => e.Message))
            : Assert.Throws<ArgumentException>(() => StoreLayouts.Parse(result, TimeSplit.Default)).Message;
        Assert.Contains(option, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_merchant_sells_in_one_store_whatever_the_lag()
    {
        var linked = new FleetLayout(StoreLayouts.DefaultSeed, 50, TimeSpan.FromMinutes(1));
        var alone = new FleetLayout(StoreLayouts.DefaultSeed, 50, null);
        var stores = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < 400; m++)
        {
            var merchant = "merchant " + m;
            Assert.True(linked.TryRoute(Row(1, CardA, 1, merchant: merchant), m, out var first));
            Assert.True(linked.TryRoute(Row(2, CardB, 1, merchant: merchant), m + 1000, out var second));
            Assert.True(alone.TryRoute(Row(3, CardC, 1, merchant: merchant), m + 2000, out var third));
            Assert.Equal(first.StoreId, second.StoreId);
            Assert.Equal(first.StoreId, third.StoreId);
            stores.Add(first.StoreId);
        }

        Assert.Equal(50, stores.Count);
        Assert.All(stores, s => Assert.Matches("^store-([1-9]|[1-4][0-9]|50)$", s));
    }

    private static ParseResult Parsed(params string[] args)
    {
        var command = new Command("layouts");
        StoreLayouts.AddOptions(command);
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return result;
    }
}
