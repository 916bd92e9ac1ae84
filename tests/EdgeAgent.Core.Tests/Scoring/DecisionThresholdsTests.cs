using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Tests.Scoring;

public sealed class DecisionThresholdsTests
{
    [Theory]
    [InlineData(0.0, Decision.Approve)]
    [InlineData(0.299, Decision.Approve)]
    [InlineData(0.3, Decision.Review)]
    [InlineData(0.899, Decision.Review)]
    [InlineData(0.9, Decision.Decline)]
    [InlineData(1.0, Decision.Decline)]
    public void Decide_UsesInclusiveLowerBounds(double score, Decision expected) =>
        Assert.Equal(expected, new DecisionThresholds(0.3, 0.9).Decide(score));

    [Fact]
    public void Validate_RejectsDeclineBelowReviewAndOutOfRange()
    {
        Assert.Throws<ArgumentException>(() => new DecisionThresholds(0.5, 0.4).Validate());
        Assert.Throws<ArgumentException>(() => new DecisionThresholds(-0.1, 0.4).Validate());
        Assert.Throws<ArgumentException>(() => new DecisionThresholds(0.1, double.NaN).Validate());
    }

    [Fact]
    public void Resolve_OverridesOnlyWhatIsConfigured()
    {
        var policy = new DecisionPolicy(new DecisionOptions { DeclineThreshold = 0.95 });

        Assert.Equal(new DecisionThresholds(0.2, 0.95), policy.Resolve(new DecisionThresholds(0.2, 0.8)));
    }

    [Fact]
    public void Override_ThatCannotWork_IsRefusedAndChangesNothing()
    {
        var policy = new DecisionPolicy(new DecisionOptions());
        var model = new DecisionThresholds(0.2, 0.8);

        Assert.Throws<ArgumentException>(() => policy.Override(0.9, null, model));
        Assert.Equal(model, policy.Resolve(model));
        policy.Override(0.1, 0.5, model);
        Assert.Equal(new DecisionThresholds(0.1, 0.5), policy.Resolve(model));
    }
}
