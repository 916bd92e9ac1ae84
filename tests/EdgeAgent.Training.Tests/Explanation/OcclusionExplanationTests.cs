using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Onnx;
using EdgeAgent.Training.Tests.Mlp;
using Xunit;

namespace EdgeAgent.Training.Tests.Explanation;

/// <summary>Reasons of the MLP: each contribution is what the model itself says the feature's unusual value did.</summary>
public sealed class OcclusionExplanationTests(SampleMlpFixture fixture) : IClassFixture<SampleMlpFixture>
{
    private float[] Baseline()
    {
        var baseline = new float[FeatureSchema.Count];
        var column = new float[fixture.Train.Rows];
        for (var f = 0; f < FeatureSchema.Count; f++)
        {
            for (var r = 0; r < column.Length; r++)
            {
                column[r] = fixture.Train.Row(r)[f];
            }

            Array.Sort(column);
            baseline[f] = column[column.Length / 2];
        }

        return baseline;
    }

    [Fact]
    public void Each_contribution_is_the_fall_in_log_odds_when_the_feature_takes_its_median()
    {
        var baseline = Baseline();
        using var scorer = ScorerFolder.Load(fixture.Onnx, baseline);
        using var reference = new OnnxBatchScorer(fixture.Onnx);
        Assert.StartsWith("occlusion", scorer.ExplanationMethod, StringComparison.Ordinal);
        var scores = ScorerFolder.Score(scorer, fixture.Holdout, 0, 16);
        var contributions = new float[FeatureSchema.Count];
        for (var row = 0; row < 16; row += 5)
        {
            scorer.Contributions(row, contributions, out var margin);
            Assert.Equal(ScorerFolder.Logit(scores[row]), margin, 1e-4);

            // The same counterfactuals, scored independently in another session.
            var values = new float[FeatureSchema.Count * FeatureSchema.Count];
            for (var f = 0; f < FeatureSchema.Count; f++)
            {
                fixture.Holdout.Row(row).CopyTo(values.AsSpan(f * FeatureSchema.Count));
                values[(f * FeatureSchema.Count) + f] = baseline[f];
            }

            var counterfactual = reference.Score(new EdgeAgent.Training.Data.FeatureMatrix(values, new bool[FeatureSchema.Count]));
            for (var f = 0; f < FeatureSchema.Count; f++)
            {
                Assert.Equal(margin - ScorerFolder.Logit(counterfactual[f]), contributions[f], 1e-3);
                if (fixture.Holdout.Row(row)[f] == baseline[f])
                {
                    Assert.Equal(0f, contributions[f]);
                }
            }
        }
    }

    [Fact]
    public void Reasons_are_the_largest_positive_contributions_with_their_codes()
    {
        using var scorer = ScorerFolder.Load(fixture.Onnx, Baseline());
        var scores = ScorerFolder.Score(scorer, fixture.Holdout, 0, 64);
        var row = Array.IndexOf(scores, scores.Max());
        var contributions = new float[FeatureSchema.Count];
        scorer.Contributions(row, contributions, out _);
        var reasons = new Reason[ReasonCodes.MaxReasons];

        var count = scorer.Explain(row, reasons);

        Assert.InRange(count, 1, 3);
        var best = Array.IndexOf(contributions, contributions.Max());
        Assert.Equal(FeatureSchema.Names[best], reasons[0].Feature);
        Assert.Equal(contributions[best], reasons[0].Contribution);
        Assert.Equal(fixture.Holdout.Row(row)[best], reasons[0].Value);
    }

    [Fact]
    public void Without_a_baseline_in_the_card_the_model_gives_no_reasons()
    {
        using var scorer = ScorerFolder.Load(fixture.Onnx);
        ScorerFolder.Score(scorer, fixture.Holdout, 0, 2);

        Assert.Null(scorer.ExplanationMethod);
        Assert.Equal(0, scorer.Explain(0, new Reason[3]));
    }
}
