using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;
using Google.Protobuf;
using Onnx;
using static EdgeAgent.Training.Onnx.OnnxNodes;

namespace EdgeAgent.Training.Tests.Quantization;

/// <summary>Small hand-built ONNX graphs over [batch, 22] inputs, for what the MLP exporter never writes.</summary>
internal static class TinyGraphs
{
    public const int Width = 22;

    /// <summary>
    /// Gemm with transB=1, alpha, beta and a bias → ReLU → MatMul → Add → Sigmoid: the Gemm attributes
    /// another exporter may write, which the quantizer must fold into the weights and bias.
    /// </summary>
    public static byte[] GemmMlp(int seed)
    {
        var random = new Random(seed);
        var graph = Graph(FloatTensor("x", "batch", null, Width), FloatTensor("y", "batch", null, 1));
        graph.Initializer.Add(OnnxTensors.Float("w1", [5, Width], Values(random, 5 * Width)));
        graph.Initializer.Add(OnnxTensors.Float("c1", [5], Values(random, 5)));
        graph.Initializer.Add(OnnxTensors.Float("w2", [5, 1], Values(random, 5)));
        graph.Initializer.Add(OnnxTensors.Float("b2", [1], [0.1f]));
        graph.Node.Add(Node("Gemm", "dense", ["x", "w1", "c1"], ["g"], Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f)));
        graph.Node.Add(Node("Relu", "relu", ["g"], ["r"]));
        graph.Node.Add(Node("MatMul", "out", ["r", "w2"], ["m"]));
        graph.Node.Add(Node("Add", "out_bias", ["m", "b2"], ["l"]));
        graph.Node.Add(Node("Sigmoid", "sigmoid", ["l"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>A MatMul followed by an operator the quantizer does not know.</summary>
    public static byte[] WithUnknownOperator()
    {
        var graph = Graph(FloatTensor("x", "batch", null, Width), FloatTensor("y", "batch", null, 3));
        graph.Initializer.Add(OnnxTensors.Float("w", [Width, 3], new float[Width * 3]));
        graph.Node.Add(Node("MatMul", "dense", ["x", "w"], ["m"]));
        graph.Node.Add(Node("Softsign", "squash", ["m"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>An int64 input cast to float before the layer.</summary>
    public static byte[] WithIntegerInput()
    {
        var input = FloatTensor("ids", "batch", null, Width);
        input.Type.TensorType.ElemType = OnnxTypes.Int64;
        var graph = Graph(input, FloatTensor("y", "batch", null, 1));
        graph.Initializer.Add(OnnxTensors.Float("w", [Width, 1], new float[Width]));
        graph.Node.Add(Node("Cast", "to_float", ["ids"], ["x"], Int("to", OnnxTypes.Float)));
        graph.Node.Add(Node("MatMul", "dense", ["x", "w"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>A MatMul of the input by itself: no constant weight to quantize per channel.</summary>
    public static byte[] WithoutConstantWeight()
    {
        var graph = Graph(FloatTensor("x", "batch", null, Width), FloatTensor("y", "batch", null, Width));
        graph.Node.Add(Node("Transpose", "t", ["x"], ["xt"]));
        graph.Node.Add(Node("MatMul", "gram", ["xt", "x"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>A Softmax model at opset 11, where Softmax meant something else than at 13.</summary>
    public static byte[] OldSoftmax()
    {
        var graph = Graph(FloatTensor("x", "batch", null, Width), FloatTensor("y", "batch", null, 2));
        graph.Initializer.Add(OnnxTensors.Float("w", [Width, 2], new float[Width * 2]));
        graph.Node.Add(Node("MatMul", "dense", ["x", "w"], ["m"]));
        graph.Node.Add(Node("Softmax", "classes", ["m"], ["y"], Int("axis", 1)));
        return Model(graph, 11);
    }

    /// <summary>Random feature-like rows.</summary>
    public static FeatureMatrix Rows(int rows, int seed)
    {
        var random = new Random(seed);
        return new FeatureMatrix(Values(random, rows * Width, 2f), new bool[rows]);
    }

    private static GraphProto Graph(ValueInfoProto input, ValueInfoProto output)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(input);
        graph.Output.Add(output);
        return graph;
    }

    private static byte[] Model(GraphProto graph, int opset)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private static float[] Values(Random random, int count, float scale = 1f) =>
        [.. Enumerable.Range(0, count).Select(_ => scale * (float)((random.NextDouble() * 2) - 1))];
}
