using EdgeAgent.Training.Onnx;
using Google.Protobuf;
using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Reads a model for the quantizer and refuses, with a message that names the node and operator, anything
/// it cannot quantize correctly: bytes that are not ONNX, operators it does not know, other domains,
/// non-float inputs, an opset it cannot move to 13.
/// </summary>
internal static class QuantizerInput
{
    public static ModelProto Read(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new QuantizationException($"{source} is not an ONNX model: it does not parse as an ONNX ModelProto ({ex.Message}).", ex);
        }

        // Protobuf parses many byte strings into an empty message; a model needs a graph, an opset and an IR version.
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.OpsetImport.Count == 0 || model.IrVersion <= 0)
        {
            throw new QuantizationException($"{source} is not an ONNX model: it has no graph nodes, operator set or IR version.");
        }

        Check(model, source);
        MoveToTargetOpset(model, source);
        ConstantsToInitializers(model.Graph);
        return model;
    }

    private static void Check(ModelProto model, string source)
    {
        var graph = model.Graph;
        foreach (var node in graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx") || !OperatorSupport.IsKnown(node.OpType))
            {
                var op = node.Domain is "" or "ai.onnx" ? node.OpType : node.Domain + "." + node.OpType;
                throw new QuantizationException(
                    $"{source}: node '{node.Name}' is a {op}, which the quantizer does not know. It quantizes MatMul and Gemm "
                    + $"and keeps these in float: {string.Join(", ", OperatorSupport.PassedThrough.Order(StringComparer.Ordinal))}.");
            }
        }

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensor = input.Type?.TensorType;
            if (tensor is null || tensor.ElemType != OnnxTypes.Float)
            {
                var type = tensor is null ? "not a tensor" : OnnxTypes.Describe(tensor.ElemType);
                throw new QuantizationException($"{source}: graph input '{input.Name}' is {type}; the quantizer takes float32 inputs only.");
            }
        }
    }

    private static void MoveToTargetOpset(ModelProto model, string source)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new QuantizationException($"{source}: the model imports no default (ai.onnx) operator set.");
        if (opset.Version >= OperatorSupport.TargetOpset)
        {
            return;
        }

        var stable = opset.Version >= 11 ? OperatorSupport.SameSince11 : OperatorSupport.SameSince10;
        var changed = model.Graph.Node.FirstOrDefault(n => !stable.Contains(n.OpType));
        if (opset.Version < OperatorSupport.OldestOpset || changed is not null)
        {
            var why = changed is null ? "" : $" node '{changed.Name}' ({changed.OpType}) changed meaning since then, so the model cannot simply be moved;";
            throw new QuantizationException(
                $"{source}: the model uses opset {opset.Version};{why} per-channel quantization needs opset {OperatorSupport.TargetOpset}. Export it at opset {OperatorSupport.TargetOpset} or later.");
        }

        opset.Version = OperatorSupport.TargetOpset;
        model.IrVersion = Math.Max(model.IrVersion, 7);
    }

    /// <summary>Some exporters write weights as Constant nodes; as initializers they are found like any other weight.</summary>
    private static void ConstantsToInitializers(GraphProto graph)
    {
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant").ToList())
        {
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            if (value is null)
            {
                continue;
            }

            var tensor = value.Clone();
            tensor.Name = node.Output[0];
            graph.Initializer.Add(tensor);
            graph.Node.Remove(node);
        }
    }
}
