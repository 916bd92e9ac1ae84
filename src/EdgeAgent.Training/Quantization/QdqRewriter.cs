using EdgeAgent.Training.Onnx;
using Onnx;
using static EdgeAgent.Training.Onnx.OnnxNodes;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Static quantization in QDQ form. Each activation a layer reads gets QuantizeLinear → DequantizeLinear
/// (int8, scale and zero point from calibration) right after it is computed; each weight is stored in int8
/// per output channel behind a DequantizeLinear; each bias in int32 with scale = input scale × weight
/// scale, the form integer kernels add without rescaling. The float ops stay in between, so the file is a
/// plain ONNX graph that any runtime can run, and ONNX Runtime fuses DQ → Gemm → Q into QGemm.
/// </summary>
internal static class QdqRewriter
{
    public static void Apply(GraphProto graph, IReadOnlyList<LinearLayer> layers, IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        var activations = layers.Select(l => l.Input).Distinct(StringComparer.Ordinal)
            .ToDictionary(a => a, a => QuantParams.ForActivation(ranges[a].Low, ranges[a].High), StringComparer.Ordinal);
        var byNode = layers.ToDictionary(l => l.Node);
        var removed = layers.SelectMany(l => new[] { l.FusedAdd, l.FusedRelu }).OfType<NodeProto>().ToHashSet();
        var builder = new GraphBuilder(graph);
        var dequantized = new Dictionary<string, string>(StringComparer.Ordinal);

        void QuantizeAfter(IEnumerable<string> produced)
        {
            foreach (var tensor in produced.Where(activations.ContainsKey))
            {
                dequantized[tensor] = AddQdq(builder, tensor, activations[tensor]);
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
                AddLayer(builder, layer, dequantized[layer.Input], activations[layer.Input]);
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

    private static string AddQdq(GraphBuilder builder, string tensor, QuantParams q)
    {
        var scale = builder.Constant(OnnxTensors.Float(tensor + "_scale", [], [q.Scale]));
        var zeroPoint = builder.Constant(OnnxTensors.Int8(tensor + "_zero_point", [], [(sbyte)q.ZeroPoint]));
        var quantized = builder.Name(tensor + "_quantized");
        var dequantized = builder.Name(tensor + "_dequantized");
        builder.Add(Node("QuantizeLinear", quantized, [tensor, scale, zeroPoint], [quantized]));
        builder.Add(Node("DequantizeLinear", dequantized, [quantized, scale, zeroPoint], [dequantized]));
        return dequantized;
    }

    private static void AddLayer(GraphBuilder builder, LinearLayer layer, string input, QuantParams inputParams)
    {
        var weights = QuantizedWeights.Of(layer);
        var n = layer.OutputChannels;
        var w = builder.Constant(OnnxTensors.Int8(layer.WeightName + "_quantized", [layer.InputChannels, n], weights.Values));
        var wScale = builder.Constant(OnnxTensors.Float(layer.WeightName + "_scale", [n], weights.Scales));
        var wZeroPoint = builder.Constant(OnnxTensors.Int8(layer.WeightName + "_zero_point", [n], new sbyte[n]));
        var wDequantized = builder.Name(layer.WeightName + "_dequantized");
        builder.Add(Node("DequantizeLinear", wDequantized, [w, wScale, wZeroPoint], [wDequantized], Int("axis", 1)));

        var inputs = new List<string> { input, wDequantized };
        if (layer.Bias is { } bias)
        {
            inputs.Add(AddBias(builder, layer.BiasName ?? layer.WeightName + "_bias", bias, inputParams.Scale, weights.Scales));
        }

        var name = layer.Node.Name.Length > 0 ? layer.Node.Name : layer.Output;
        builder.Add(Node(layer.AsGemm ? "Gemm" : "MatMul", name, inputs, [layer.Output]));
    }

    /// <summary>
    /// int32 bias with per-channel scale sₓ·s_w[j] and no zero point (DequantizeLinear's rule for int32):
    /// an integer kernel adds it to the int32 accumulator as it is.
    /// </summary>
    private static string AddBias(GraphBuilder builder, string name, float[] bias, float inputScale, float[] weightScales)
    {
        var scales = new float[bias.Length];
        var values = new int[bias.Length];
        for (var j = 0; j < bias.Length; j++)
        {
            scales[j] = inputScale * weightScales[j];
            values[j] = (int)Math.Clamp(Math.Round(bias[j] / (double)scales[j], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }

        var quantized = builder.Constant(OnnxTensors.Int32(name + "_quantized", [bias.Length], values));
        var scale = builder.Constant(OnnxTensors.Float(name + "_scale", [bias.Length], scales));
        var dequantized = builder.Name(name + "_dequantized");
        builder.Add(Node("DequantizeLinear", dequantized, [quantized, scale], [dequantized], Int("axis", 0)));
        return dequantized;
    }
}
