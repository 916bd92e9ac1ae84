using System.Text.Json.Nodes;
using EdgeAgent.Cloud.Control;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Cloud.Tests.Unit;

/// <summary>Whoever controls the twin can make the agent stricter, but not laxer than the node allows, nor drop its buffer.</summary>
public sealed class DesiredBoundsTests
{
    private static readonly DecisionThresholds Card = new(0.005, 0.9996);

    private static (DesiredPropertiesApplier Applier, DecisionPolicy Policy, CloudRuntimeSettings Settings) Create(CloudOptions? options = null, DecisionOptions? decision = null)
    {
        options ??= new CloudOptions();
        decision ??= new DecisionOptions();
        var policy = new DecisionPolicy(decision);
        var settings = new CloudRuntimeSettings(options);
        var agent = new AgentDescription("1.0.0", () => null, () => "CPU", () => Card);
        return (new DesiredPropertiesApplier(options, decision, policy, null, agent, settings), policy, settings);
    }

    private static JsonObject Decision(double review, double decline) =>
        new() { ["decision"] = new JsonObject { ["reviewThreshold"] = review, ["declineThreshold"] = decline } };

    [Fact]
    public async Task StricterThresholds_AreApplied()
    {
        var (applier, policy, _) = Create();
        Assert.Empty(await applier.ApplyAsync(Decision(0.001, 0.5), CancellationToken.None));
        Assert.Equal(0.001, policy.ReviewOverride);
        Assert.Equal(0.5, policy.DeclineOverride);
    }

    [Fact]
    public async Task ApproveEverything_IsRefusedAndReported_ChangingNothing()
    {
        var (applier, policy, _) = Create();
        var errors = await applier.ApplyAsync(Decision(1.0, 1.0), CancellationToken.None);

        Assert.Contains("reviewThreshold 1 is above 0.005", errors["decision"], StringComparison.Ordinal);
        Assert.Null(policy.ReviewOverride);
        Assert.Null(policy.DeclineOverride);
    }

    [Fact]
    public async Task LooserThresholds_NeedTheNodesOwnLimit()
    {
        var (applier, policy, _) = Create(new CloudOptions { MaxReviewThreshold = 0.05, MaxDeclineThreshold = 1 });
        Assert.Empty(await applier.ApplyAsync(Decision(0.05, 0.9999), CancellationToken.None));
        Assert.Equal(0.05, policy.ReviewOverride);
        Assert.Contains("decision", (await applier.ApplyAsync(Decision(0.06, 0.9999), CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task ConfiguredThresholds_AreTheBound_WhenAboveTheCards()
    {
        var (applier, _, _) = Create(decision: new DecisionOptions { ReviewThreshold = 0.2 });
        Assert.Empty(await applier.ApplyAsync(Decision(0.2, 0.9), CancellationToken.None));
        Assert.NotEmpty(await applier.ApplyAsync(Decision(0.21, 0.9), CancellationToken.None));
    }

    [Theory]
    [InlineData(5e12, null)]
    [InlineData(10_000d, null)]
    [InlineData(null, 0.01)]
    [InlineData(null, 10_000d)]
    public async Task BufferCaps_OutsideWhatConfigurationAllows_AreRefused(double? maxBytes, double? maxAgeHours)
    {
        var (applier, _, settings) = Create();
        var buffer = new JsonObject();
        if (maxBytes is { } bytes)
        {
            buffer["maxBytes"] = bytes;
        }

        if (maxAgeHours is { } hours)
        {
            buffer["maxAgeHours"] = hours;
        }

        var errors = await applier.ApplyAsync(new JsonObject { ["buffer"] = buffer }, CancellationToken.None);

        Assert.Single(errors);
        Assert.Equal(1_073_741_824, settings.BufferMaxBytes);
        Assert.Equal(TimeSpan.FromHours(168), settings.BufferMaxAge);
    }

    [Fact]
    public async Task BufferCaps_WithinConfiguration_AreApplied()
    {
        var (applier, _, settings) = Create();
        Assert.Empty(await applier.ApplyAsync(new JsonObject { ["buffer"] = new JsonObject { ["maxBytes"] = 100_000_000, ["maxAgeHours"] = 24 } }, CancellationToken.None));
        Assert.Equal(100_000_000, settings.BufferMaxBytes);
        Assert.Equal(TimeSpan.FromHours(24), settings.BufferMaxAge);
    }
}
