using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx.Explanation;
using EdgeAgent.Training.Tests.Gbt;
using Xunit;

namespace EdgeAgent.Training.Tests.Explanation;

/// <summary>Reasons of the trees, through the agent's loader and scorer, on a model trained and exported as train-gbt does.</summary>
public sealed class TreePathExplanationTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Contributions_and_the_rest_add_up_to_the_models_own_log_odds()
    {
        using var scorer = ScorerFolder.Load(fixture.Onnx);
        Assert.Equal("tree path contributions", scorer.ExplanationMethod);
        var scores = ScorerFolder.Score(scorer, fixture.Holdout, 0, 64);
        var contributions = new float[FeatureSchema.Count];
        for (var row = 0; row < 64; row++)
        {
            Assert.True(scorer.Contributions(row, contributions, out var rest));
            var margin = rest + contributions.Sum(c => (double)c);

            // ONNX Runtime's probability is float32; its log-odds carry that rounding, the sum does not.
            Assert.Equal(ScorerFolder.Logit(scores[row]), margin, 1e-3);
        }
    }

    [Fact]
    public void Only_the_features_the_trees_split_on_get_a_contribution()
    {
        var trees = TreeEnsemble.TryRead(fixture.Onnx)!;
        var used = trees.Features.Where(f => f >= 0).Select(f => (int)f).ToHashSet();
        using var scorer = ScorerFolder.Load(fixture.Onnx);
        ScorerFolder.Score(scorer, fixture.Holdout, 0, 32);
        var contributions = new float[FeatureSchema.Count];
        for (var row = 0; row < 32; row++)
        {
            scorer.Contributions(row, contributions, out _);
            for (var f = 0; f < FeatureSchema.Count; f++)
            {
                if (!used.Contains(f))
                {
                    Assert.Equal(0f, contributions[f]);
                }
            }
        }

        // The synthetic label depends on features 0 and 8: the trees split on them.
        Assert.Contains(0, used);
        Assert.Contains(8, used);
    }

    [Fact]
    public void A_high_scoring_row_is_explained_by_the_features_that_drive_the_label()
    {
        using var scorer = ScorerFolder.Load(fixture.Onnx);
        var scores = ScorerFolder.Score(scorer, fixture.Holdout, 0, 64);
        var row = Array.IndexOf(scores, scores.Max());
        var reasons = new Reason[ReasonCodes.MaxReasons];

        var count = scorer.Explain(row, reasons);

        Assert.InRange(count, 1, 3);
        Assert.Equal("amount", reasons[0].Feature);
        Assert.Equal(fixture.Holdout.Row(row)[0], reasons[0].Value);
        Assert.Equal("high_amount", reasons[0].Code);
        for (var i = 1; i < count; i++)
        {
            Assert.True(reasons[i].Contribution <= reasons[i - 1].Contribution);
            Assert.True(reasons[i].Contribution > 0);
        }
    }

    [Fact]
    public void The_covers_in_the_file_are_the_training_rows_through_each_node()
    {
        var trees = TreeEnsemble.TryRead(fixture.Onnx)!;
        var model = global::Onnx.ModelProto.Parser.ParseFrom(fixture.Onnx);
        var covers = TreeEnsemble.ReadCovers(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value), trees.NodeCount)!;

        foreach (var root in trees.Roots)
        {
            Assert.Equal(fixture.Train.Rows, covers[root]);
        }

        for (var n = 0; n < trees.NodeCount; n++)
        {
            if (trees.Features[n] >= 0)
            {
                Assert.Equal(covers[n], covers[trees.Left[n]] + covers[trees.Right[n]]);
            }
        }
    }

    [Fact]
    public void Explain_says_nothing_about_a_row_outside_the_last_batch()
    {
        using var scorer = ScorerFolder.Load(fixture.Onnx);
        ScorerFolder.Score(scorer, fixture.Holdout, 0, 4);

        Assert.Equal(0, scorer.Explain(4, new Reason[3]));
        Assert.Equal(0, scorer.Explain(-1, new Reason[3]));
    }
}
