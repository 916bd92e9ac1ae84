using EdgeAgent.Core.Features;
using EdgeAgent.Training.Mlp;
using EdgeAgent.Training.Onnx;
using Onnx;
using Xunit;

namespace EdgeAgent.Training.Tests.Mlp;

public sealed class MlpExportTests : IClassFixture<SampleMlpFixture>
{
    private readonly SampleMlpFixture _fixture;

    public MlpExportTests(SampleMlpFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Exported_model_has_the_agents_contract()
    {
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);
        Assert.Equal("features", scorer.Contract.InputName);
        Assert.Equal([-1L, FeatureSchema.Count], scorer.Contract.InputShape);
        Assert.Equal("probability", scorer.Contract.OutputName);
        Assert.Equal([-1L, 1L], scorer.Contract.OutputShape);

        var model = ModelProto.Parser.ParseFrom(_fixture.Onnx);
        Assert.Equal("batch", model.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", model.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(13, model.OpsetImport.Single().Version);
        Assert.Contains(model.MetadataProps, p => p.Key == "feature_schema" && p.Value == FeatureSchema.Version);
    }

    [Fact]
    public void Graph_standardizes_embeds_the_category_and_runs_two_relu_layers()
    {
        var ops = ModelProto.Parser.ParseFrom(_fixture.Onnx).Graph.Node.Select(n => n.OpType).ToList();
        Assert.Equal(["Sub", "Div", "Gather", "Gather", "Clip", "Cast", "Gather", "Concat", "MatMul", "Add", "Relu", "MatMul", "Add", "Relu", "MatMul", "Add", "Sigmoid"], ops);
    }

    [Fact]
    public void Onnx_runtime_matches_the_trainers_forward_pass_on_real_feature_rows()
    {
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);
        var onnx = scorer.Score(_fixture.Holdout, batchSize: 97);
        var trainer = _fixture.Model.Predict(_fixture.Holdout);

        Assert.Equal(trainer.Length, onnx.Length);
        for (var i = 0; i < onnx.Length; i++)
        {
            Assert.InRange(Math.Abs(onnx[i] - trainer[i]), 0, 1e-5);
        }
    }

    [Fact]
    public void Rare_categories_read_the_unknown_row_in_the_exported_table()
    {
        var p = _fixture.Model.Parameters;
        var table = p.ExportedEmbedding();
        var rare = Enumerable.Range(1, MlpParameters.Categories - 1).Where(c => !p.LearnedCategories[c]).ToList();
        var learned = Enumerable.Range(1, MlpParameters.Categories - 1).Where(c => p.LearnedCategories[c]).ToList();

        Assert.NotEmpty(rare);
        Assert.NotEmpty(learned);
        foreach (var c in rare)
        {
            Assert.Equal(table.AsSpan(0, p.EmbeddingSize).ToArray(), table.AsSpan(c * p.EmbeddingSize, p.EmbeddingSize).ToArray());
        }

        Assert.NotEqual(table.AsSpan(0, p.EmbeddingSize).ToArray(), table.AsSpan(learned[0] * p.EmbeddingSize, p.EmbeddingSize).ToArray());
    }

    [Fact]
    public void Out_of_range_category_codes_are_clipped_not_fatal()
    {
        var row = _fixture.Holdout.Row(0).ToArray();
        row[FeatureSchema.MccIndexPosition] = 99;
        var matrix = new EdgeAgent.Training.Data.FeatureMatrix(row, [false]);
        using var scorer = new OnnxBatchScorer(_fixture.Onnx);

        var score = scorer.Score(matrix)[0];

        Assert.Equal(_fixture.Model.Predict(matrix)[0], score, 5);
    }
}
