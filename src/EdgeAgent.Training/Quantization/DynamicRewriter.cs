using EdgeAgent.Training.Onnx;
using Onnx;
using static EdgeAgent.Training.Onnx.OnnxNodes;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Dynamic quantization, in the pattern ONNX Runtime's quantize_dynamic writes and fuses into
/// DynamicQuantizeMatMul: DynamicQuantizeLinear (uint8, scale from each batch's own range) →
/// MatMulInteger with int8 per-channel weights → Cast → Mul by input scale × weight scale, then the
/// float bias Add. Activation functions stay in float.
/// </summary>
internal static class DynamicRewriter
{
    public static void Apply(GraphProto graph, IReadOnlyList<LinearLayer> layers)
    {
        var activations = layers.Select(l => l.Input).ToHashSet(StringComparer.Ordinal);
        var byNode = layers.ToDictionary(l => l.Node);
        var removed = layers.Select(l => l.FusedAdd).OfType<NodeProto>().ToHashSet();
        var builder = new GraphBuilder(graph);
        var quantized = new Dictionary<string, (string Values, string Scale, string ZeroPoint)>(StringComparer.Ordinal);

        void QuantizeAfter(IEnumerable<string> produced)
        {
            foreach (var tensor in produced.Where(activations.Contains))
            {
                var values = builder.Name(tensor + "_quantized");
                var scale = builder.Name(tensor + "_scale");
                var zeroPoint = builder.Name(tensor + "_zero_point");
                builder.Add(Node("DynamicQuantizeLinear", values, [tensor], [values, scale, zeroPoint]));
                quantized[tensor] = (values, scale, zeroPoint);
            }
        }

        QuantizeAfter(graph.Input.Select(i => i.Name));
        foreach (var node in graph.Node.ToList())
        {
            if (removed.Contains(node))
            {
                continue;
            }

            if (byNode.TryGetValue(node, out var layer))
            {
                AddLayer(builder, layer, quantized[layer.Input]);
                QuantizeAfter([layer.Output]);
            }
            else
            {
                builder.Add(node);
                QuantizeAfter(node.Output);
            }
        }

        builder.Commit();
    }

    private static void AddLayer(GraphBuilder builder, LinearLayer layer, (string Values, string Scale, string ZeroPoint) input)
    {
        var weights = QuantizedWeights.Of(layer);
        var n = layer.OutputChannels;
        var w = builder.Constant(OnnxTensors.Int8(layer.WeightName + "_quantized", [layer.InputChannels, n], weights.Values));
        var wScale = builder.Constant(OnnxTensors.Float(layer.WeightName + "_scale", [n], weights.Scales));
        var wZeroPoint = builder.Constant(OnnxTensors.Int8(layer.WeightName + "_zero_point", [n], new sbyte[n]));

        var product = builder.Name(layer.Output + "_int32");
        var scale = builder.Name(layer.Output + "_output_scale");
        var asFloat = builder.Name(layer.Output + "_float");
        builder.Add(Node("MatMulInteger", product, [input.Values, w, input.ZeroPoint, wZeroPoint], [product]));
        builder.Add(Node("Mul", scale, [input.Scale, wScale], [scale]));
        builder.Add(Node("Cast", asFloat, [product], [asFloat], Int("to", OnnxTypes.Float)));
        if (layer.Bias is { } bias)
        {
            var scaled = builder.Name(layer.Output + "_unbiased");
            var b = builder.Constant(OnnxTensors.Float((layer.BiasName ?? layer.WeightName) + "_bias", [n], bias));
            builder.Add(Node("Mul", scaled, [asFloat, scale], [scaled]));
            builder.Add(Node("Add", layer.Output, [scaled, b], [layer.Output]));
        }
        else
        {
            builder.Add(Node("Mul", layer.Output, [asFloat, scale], [layer.Output]));
        }
    }
}
