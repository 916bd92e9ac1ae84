using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Metrics;
using EdgeAgent.Training.Onnx;
using Onnx;
using Xunit;

namespace EdgeAgent.Training.Tests.Gbt;

public sealed class ExportRoundTripTests : IClassFixture<TrainedModelFixture>
{
    private readonly TrainedModelFixture _fixture;

    public ExportRoundTripTests(TrainedModelFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Exported_model_has_one_input_and_one_output_in_the_agents_contract()
    {
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);
        Assert.Equal("features", scorer.Contract.InputName);
        Assert.Equal([-1L, 22L], scorer.Contract.InputShape);
        Assert.Equal("probability", scorer.Contract.OutputName);
        Assert.Equal([-1L, 1L], scorer.Contract.OutputShape);
    }

    [Fact]
    public void Exported_graph_keeps_no_dead_nodes_and_names_its_feature_schema()
    {
        var model = ModelProto.Parser.ParseFrom(_fixture.Onnx);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Binarizer" or "Cast");
        Assert.Contains(model.MetadataProps, p => p.Key == "feature_schema" && p.Value == EdgeAgent.Core.Features.FeatureSchema.Version);
    }

    [Fact]
    public void Onnx_runtime_agrees_with_mlnet()
    {
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);
        var onnx = scorer.Score(_fixture.Holdout, batchSize: 97);
        var mlnet = _fixture.Model.Predict(_fixture.Holdout);
        Assert.Equal(mlnet.Length, onnx.Length);
        for (var i = 0; i < onnx.Length; i++)
        {
            Assert.InRange(Math.Abs(onnx[i] - mlnet[i]), 0, 1e-5);
        }
    }

    [Fact]
    public void Scores_are_probabilities_that_rank_the_holdout()
    {
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);
        var scores = scorer.Score(_fixture.Holdout);
        Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
        Assert.True(RocAuc.Compute(scores, _fixture.Holdout.Labels) > 0.9);
    }

    [Fact]
    public void Same_data_and_seed_give_the_same_bytes()
    {
        var again = OnnxExporter.Export(GbtTrainer.Train(_fixture.Train, TrainedModelFixture.Settings), _fixture.Train);
        Assert.Equal(_fixture.Onnx, again);
    }
}
