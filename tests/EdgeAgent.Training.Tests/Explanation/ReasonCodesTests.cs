using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using Xunit;

namespace EdgeAgent.Training.Tests.Explanation;

public sealed class ReasonCodesTests
{
    [Fact]
    public void Every_schema_feature_has_codes()
    {
        Assert.Empty(ReasonCodes.Missing());
    }

    [Fact]
    public void The_code_follows_the_side_of_the_median_the_value_lies_on()
    {
        var seconds = FeatureSchema.Names.ToList().IndexOf("log_seconds_since_last");

        Assert.Equal("rapid_repeat_payment", ReasonCodes.For(seconds, 2f, 9f));
        Assert.Equal("card_unused_for_long", ReasonCodes.For(seconds, 12f, 9f));
    }

    [Fact]
    public void Top_takes_the_largest_positive_contributions_once_per_code()
    {
        var contributions = new float[FeatureSchema.Count];
        var names = FeatureSchema.Names.ToList();
        contributions[names.IndexOf("amount_to_card_mean_7d")] = 3f;
        contributions[names.IndexOf("amount_zscore_card_7d")] = 2.5f; // same code as the mean ratio: left out
        contributions[names.IndexOf("is_night")] = 1f;
        contributions[names.IndexOf("card_count_1h")] = 0.5f;
        contributions[names.IndexOf("amount")] = -4f; // pushed the score down: never a reason
        var features = Enumerable.Repeat(5f, FeatureSchema.Count).ToArray();
        var typical = Enumerable.Repeat(1f, FeatureSchema.Count).ToArray();
        var reasons = new Reason[3];

        var count = ReasonCodes.Top(contributions, features, typical, reasons);

        Assert.Equal(3, count);
        Assert.Equal(["amount_far_above_card_usual", "night_time", "many_payments_last_hour"], reasons.Select(r => r.Code));
        Assert.Equal([3f, 1f, 0.5f], reasons.Select(r => r.Contribution));
    }
}
