using EdgeAgent.Core.Features;
using EdgeAgent.Training.Data;
using Xunit;
using static EdgeAgent.Training.Tests.Data.SparkovRows;

namespace EdgeAgent.Training.Tests.Data;

public sealed class FeatureReplayTests
{
    private const long Sep30 = 1696032000; // 2023-09-30T00:00:00Z
    private const long Oct1 = 1696118400;
    private const long Nov1 = 1698796800;

    private const long Jan1 = 1672531200; // 2023-01-01T00:00:00Z, the first day of the default training months

    // Card windows reach back seven days (fraud-features/2), so the tests place history within a week.
    private static readonly int HistoryCount = Index("card_count_7d");
    private static readonly int Count24H = Index("card_count_24h");
    private static readonly int Amount = Index("amount");
    private static readonly int Ecommerce = Index("is_ecommerce");

    [Fact]
    public void Each_row_sees_only_the_rows_before_it()
    {
        var result = FeatureReplay.Run(
            [Row(Sep30, CardA, 10), Row(Sep30 + 60, CardA, 20), Row(Sep30 + 120, CardA, 30)],
            TrainingTokenizer.Create(),
            TimeSplit.Default);

        Assert.Equal(3, result.Train.Rows);
        Assert.Equal(0f, result.Train.Row(0)[HistoryCount]);
        Assert.Equal(1f, result.Train.Row(1)[HistoryCount]);
        Assert.Equal(2f, result.Train.Row(2)[HistoryCount]);
        Assert.Equal(0f, result.Train.Row(0)[Count24H]);
        Assert.Equal(2f, result.Train.Row(2)[Count24H]);
        Assert.Equal(30f, result.Train.Row(2)[Amount]);
    }

    [Fact]
    public void History_carries_across_periods_and_cards_stay_apart()
    {
        var result = FeatureReplay.Run(
            [
                Row(Sep30, CardA, 10),
                Row(Oct1 + 10, CardB, 20, category: "shopping_net"),
                Row(Oct1 + 20, CardA, 30, fraud: true),
                Row(Nov1 - 3600, CardA, 35),
                Row(Nov1 + 30, CardA, 40),
            ],
            TrainingTokenizer.Create(),
            TimeSplit.Default);

        Assert.Equal(1, result.Train.Rows);
        Assert.Equal(3, result.Validation.Rows);
        Assert.Equal(1, result.Test.Rows);
        Assert.Equal(2, result.Cards);

        // Card B is new in October; card A's October row knows its September payment, and its November
        // row the payment an hour before (the earlier ones are more than seven days back).
        Assert.Equal(0f, result.Validation.Row(0)[HistoryCount]);
        Assert.Equal(1f, result.Validation.Row(0)[Ecommerce]);
        Assert.Equal(1f, result.Validation.Row(1)[HistoryCount]);
        Assert.True(result.Validation.Labels[1]);
        Assert.Equal(1f, result.Test.Row(0)[HistoryCount]);
    }

    [Fact]
    public void Rows_outside_every_period_are_history_but_not_data()
    {
        var result = FeatureReplay.Run(
            [Row(Jan1 - 86400, CardC, 5), Row(Jan1 + 60, CardC, 5)],
            TrainingTokenizer.Create(),
            TimeSplit.Default);

        Assert.Equal(2, result.Rows);
        Assert.Equal(1, result.Train.Rows);
        Assert.Equal(1f, result.Train.Row(0)[HistoryCount]);
    }

    [Fact]
    public void Counts_rows_that_go_back_in_time()
    {
        var result = FeatureReplay.Run(
            [Row(Sep30 + 60, CardA, 1), Row(Sep30, CardB, 1), Row(Sep30 + 120, CardA, 1)],
            TrainingTokenizer.Create(),
            TimeSplit.Default);

        Assert.Equal(1, result.OutOfOrder);
    }

    [Fact]
    public void Training_tokens_are_fixed_and_keyed_by_the_train_key_id()
    {
        var token = TrainingTokenizer.Create().Tokenize("4111111111111111"u8);
        Assert.StartsWith("train.", token, StringComparison.Ordinal);
        Assert.Equal(token, TrainingTokenizer.Create().Tokenize("4111111111111111"u8));
        Assert.NotEqual(token, TrainingTokenizer.Create().Tokenize("5555555555554444"u8));
    }

    private static int Index(string name) => FeatureSchema.Names.ToList().IndexOf(name);
}
