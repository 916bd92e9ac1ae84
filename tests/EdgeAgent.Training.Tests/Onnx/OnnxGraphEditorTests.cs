using EdgeAgent.Training.Onnx;
using Onnx;
using Xunit;

namespace EdgeAgent.Training.Tests.Onnx;

public sealed class OnnxGraphEditorTests
{
    [Fact]
    public void Keeps_one_output_and_only_the_nodes_it_needs()
    {
        var model = ExporterLikeModel();

        OnnxGraphEditor.ToScoringContract(model, "Features", "Probability.output", "features", "probability");

        var graph = model.Graph;
        Assert.Equal(["features"], graph.Input.Select(i => i.Name));
        Assert.Equal(["probability"], graph.Output.Select(o => o.Name));
        Assert.Equal(["Mul", "Sigmoid", "Identity"], graph.Node.Select(n => n.OpType));
        Assert.Equal(["features", "Slope"], graph.Node[0].Input);
        Assert.Equal(["probability"], graph.Node[2].Output);
        Assert.Equal(["Slope"], graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void Marks_the_batch_dimension_by_name()
    {
        var model = ExporterLikeModel();

        OnnxGraphEditor.ToScoringContract(model, "Features", "Probability.output", "features", "probability");

        var input = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal("batch", input[0].DimParam);
        Assert.Equal(22, input[1].DimValue);
        Assert.Equal("batch", model.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(1, model.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void A_missing_output_or_input_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() =>
            OnnxGraphEditor.ToScoringContract(ExporterLikeModel(), "Features", "Nope.output", "features", "probability"));
        Assert.Throws<InvalidOperationException>(() =>
            OnnxGraphEditor.ToScoringContract(ExporterLikeModel(), "Nope", "Probability.output", "features", "probability"));
    }

    [Fact]
    public void Renaming_onto_an_existing_tensor_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => OnnxGraphEditor.Rename(ExporterLikeModel().Graph, "Features", "Slope"));
    }

    /// <summary>The shape of ML.NET's export: every column an output, an unused branch, an unused initializer.</summary>
    private static ModelProto ExporterLikeModel()
    {
        var graph = new GraphProto { Name = "model" };
        graph.Input.Add(Tensor("Features", -1, 22));
        graph.Output.Add(Tensor("Features.output", -1, 22));
        graph.Output.Add(Tensor("Score.output", -1, 1));
        graph.Output.Add(Tensor("Probability.output", -1, 1));
        graph.Node.Add(Node("Mul", ["Features", "Slope"], ["Score"]));
        graph.Node.Add(Node("Sigmoid", ["Score"], ["Probability"]));
        graph.Node.Add(Node("Binarizer", ["Score"], ["Label"]));
        graph.Node.Add(Node("Identity", ["Features"], ["Features.output"]));
        graph.Node.Add(Node("Identity", ["Score"], ["Score.output"]));
        graph.Node.Add(Node("Identity", ["Probability"], ["Probability.output"]));
        graph.Initializer.Add(new TensorProto { Name = "Slope", DataType = 1, FloatData = { 2f } });
        graph.Initializer.Add(new TensorProto { Name = "Unused", DataType = 1, FloatData = { 3f } });
        return new ModelProto { IrVersion = 6, Graph = graph };
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs) =>
        new() { OpType = op, Name = op + outputs[0], Input = { inputs }, Output = { outputs } };

    private static ValueInfoProto Tensor(string name, long batch, long width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = 1,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimValue = batch },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };
}
