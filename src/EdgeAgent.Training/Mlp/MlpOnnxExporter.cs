using EdgeAgent.Core.Features;
using EdgeAgent.Training.Onnx;
using Google.Protobuf;
using Onnx;
using static EdgeAgent.Training.Onnx.OnnxNodes;

namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Writes the MLP as an ONNX graph in the agent's contract (<c>features</c> [batch, 22] float32 in,
/// <c>probability</c> [batch, 1] float32 out), opset 13:
/// <c>Sub → Div</c> standardizes with the training months' statistics, <c>Gather</c> picks the numeric
/// columns and the <c>mcc_index</c> column, <c>Clip → Cast → Gather</c> looks the category up in the
/// embedding, <c>Concat</c> joins both, then <c>MatMul → Add → Relu</c> twice and
/// <c>MatMul → Add → Sigmoid</c>. Plain ops only, so any ONNX runtime and the quantizer can read it.
/// </summary>
public static class MlpOnnxExporter
{
    public const int Opset = 13;

    /// <summary>IR version 8 (ONNX 1.10): understood by every ONNX Runtime that runs opset 13.</summary>
    public const long IrVersion = 8;

    public const string Producer = "EdgeAgent.Training";

    public const string BatchDimension = "batch";

    public static byte[] Export(MlpModel model)
    {
        var p = model.Parameters;
        var graph = new GraphProto { Name = "fraud_mlp" };
        graph.Input.Add(FloatTensor(OnnxExporter.InputName, BatchDimension, null, FeatureSchema.Count));
        graph.Output.Add(FloatTensor(OnnxExporter.OutputName, BatchDimension, null, 1));

        graph.Initializer.Add(OnnxTensors.Float("mean", [FeatureSchema.Count], p.Mean));
        graph.Initializer.Add(OnnxTensors.Float("std", [FeatureSchema.Count], p.Std));
        graph.Initializer.Add(OnnxTensors.Int64("numeric_columns", [MlpParameters.NumericColumns.Length], [.. MlpParameters.NumericColumns.Select(c => (long)c)]));
        graph.Initializer.Add(OnnxTensors.Int64("mcc_column", [], [FeatureSchema.MccIndexPosition]));
        graph.Initializer.Add(OnnxTensors.Float("mcc_min", [], [0f]));
        graph.Initializer.Add(OnnxTensors.Float("mcc_max", [], [MlpParameters.Categories - 1]));
        graph.Initializer.Add(OnnxTensors.Float("mcc_embedding_table", [MlpParameters.Categories, p.EmbeddingSize], p.ExportedEmbedding()));
        graph.Initializer.Add(OnnxTensors.Float("w1", [p.InputWidth, p.Hidden1], p.W1));
        graph.Initializer.Add(OnnxTensors.Float("b1", [p.Hidden1], p.B1));
        graph.Initializer.Add(OnnxTensors.Float("w2", [p.Hidden1, p.Hidden2], p.W2));
        graph.Initializer.Add(OnnxTensors.Float("b2", [p.Hidden2], p.B2));
        graph.Initializer.Add(OnnxTensors.Float("w3", [p.Hidden2, 1], p.W3));
        graph.Initializer.Add(OnnxTensors.Float("b3", [1], p.B3));

        graph.Node.Add(Node("Sub", "center", [OnnxExporter.InputName, "mean"], ["centered"]));
        graph.Node.Add(Node("Div", "scale", ["centered", "std"], ["standardized"]));
        graph.Node.Add(Node("Gather", "numeric", ["standardized", "numeric_columns"], ["numeric"], Int("axis", 1)));
        graph.Node.Add(Node("Gather", "mcc", [OnnxExporter.InputName, "mcc_column"], ["mcc"], Int("axis", 1)));
        graph.Node.Add(Node("Clip", "mcc_clip", ["mcc", "mcc_min", "mcc_max"], ["mcc_clipped"]));
        graph.Node.Add(Node("Cast", "mcc_id", ["mcc_clipped"], ["mcc_id"], Int("to", OnnxTypes.Int64)));
        graph.Node.Add(Node("Gather", "mcc_embedding", ["mcc_embedding_table", "mcc_id"], ["mcc_embedded"], Int("axis", 0)));
        graph.Node.Add(Node("Concat", "layer0", ["numeric", "mcc_embedded"], ["h0"], Int("axis", 1)));
        AddDense(graph, "1", "h0", "h1", relu: true);
        AddDense(graph, "2", "h1", "h2", relu: true);
        AddDense(graph, "3", "h2", "logit", relu: false);
        graph.Node.Add(Node("Sigmoid", "probability", ["logit"], [OnnxExporter.OutputName]));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            Graph = graph,
            DocString = "Fraud MLP over " + FeatureSchema.Version + ": " + model.Settings.Describe(),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "feature_schema", Value = FeatureSchema.Version });
        return proto.ToByteArray();
    }

    private static void AddDense(GraphProto graph, string layer, string input, string output, bool relu)
    {
        var product = "mm" + layer;
        var sum = relu ? "pre" + layer : output;
        graph.Node.Add(Node("MatMul", "matmul" + layer, [input, "w" + layer], [product]));
        graph.Node.Add(Node("Add", "bias" + layer, [product, "b" + layer], [sum]));
        if (relu)
        {
            graph.Node.Add(Node("Relu", "relu" + layer, [sum], [output]));
        }
    }
}
