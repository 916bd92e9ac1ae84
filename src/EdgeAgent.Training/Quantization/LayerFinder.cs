using EdgeAgent.Training.Onnx;
using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Finds the MatMul and Gemm layers of a graph and what may be fused into each: a MatMul's bias Add (when
/// its input is 2-D, the pair is a Gemm) and a ReLU whose output only feeds other
/// quantized layers: quantizing that output with a range that starts at 0 clips exactly as the ReLU does,
/// which is how ONNX Runtime's own quantizer removes it.
/// </summary>
internal static class LayerFinder
{
    public static List<LinearLayer> Find(GraphProto graph, string source)
    {
        var index = new GraphIndex(graph);
        var ranks = RankInference.Infer(graph);
        var layers = new List<LinearLayer>();
        foreach (var node in graph.Node.Where(n => OperatorSupport.Quantized.Contains(n.OpType)))
        {
            layers.Add(node.OpType == "Gemm" ? FromGemm(node, index, source) : FromMatMul(node, index, ranks, source));
        }

        if (layers.Count == 0)
        {
            throw new QuantizationException($"{source}: the graph has no MatMul or Gemm, so there is nothing to quantize.");
        }

        return FuseRelus(layers, index);
    }

    private static LinearLayer FromMatMul(NodeProto node, GraphIndex index, Dictionary<string, int> ranks, string source)
    {
        var weight = ConstantWeight(node, index, source);
        var k = (int)weight.Dims[0];
        var n = (int)weight.Dims[1];
        var values = ReadFloats(weight, node, source);
        var asGemm = ranks.TryGetValue(node.Input[0], out var rank) && rank == 2;
        var output = node.Output[0];
        if (asGemm && index.SoleConsumer(output) is { OpType: "Add" } add && BiasOf(add, output, n, index) is { } bias)
        {
            return new LinearLayer
            {
                Node = node,
                Input = node.Input[0],
                WeightName = weight.Name,
                Weight = values,
                InputChannels = k,
                OutputChannels = n,
                Bias = ReadFloats(bias, add, source),
                BiasName = bias.Name,
                FusedAdd = add,
                AsGemm = true,
                Output = add.Output[0],
            };
        }

        return new LinearLayer
        {
            Node = node,
            Input = node.Input[0],
            WeightName = weight.Name,
            Weight = values,
            InputChannels = k,
            OutputChannels = n,
            AsGemm = asGemm,
            Output = output,
        };
    }

    private static LinearLayer FromGemm(NodeProto node, GraphIndex index, string source)
    {
        if (OnnxNodes.IntOf(node, "transA", 0) != 0)
        {
            throw new QuantizationException($"{source}: node '{node.Name}' (Gemm) transposes its input (transA=1); the quantizer handles transA=0 only.");
        }

        var weight = ConstantWeight(node, index, source);
        var transB = OnnxNodes.IntOf(node, "transB", 0) != 0;
        var alpha = OnnxNodes.FloatOf(node, "alpha", 1f);
        var beta = OnnxNodes.FloatOf(node, "beta", 1f);
        var stored = ReadFloats(weight, node, source);
        var rows = (int)weight.Dims[0];
        var columns = (int)weight.Dims[1];
        var (k, n) = transB ? (columns, rows) : (rows, columns);
        var values = new float[k * n];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < n; j++)
            {
                values[(i * n) + j] = alpha * (transB ? stored[(j * columns) + i] : stored[(i * columns) + j]);
            }
        }

        float[]? bias = null;
        string? biasName = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            var c = index.Initializer(node.Input[2])
                ?? throw new QuantizationException($"{source}: node '{node.Name}' (Gemm) adds '{node.Input[2]}', which is not a constant; only a constant bias can be quantized.");
            var cValues = ReadFloats(c, node, source);
            bias = cValues.Length switch
            {
                1 => [.. Enumerable.Repeat(beta * cValues[0], n)],
                _ when cValues.Length == n && c.Dims.Count <= 2 && (c.Dims.Count < 2 || c.Dims[0] == 1) => [.. cValues.Select(v => beta * v)],
                _ => throw new QuantizationException($"{source}: node '{node.Name}' (Gemm) adds a [{string.Join(", ", c.Dims)}] tensor; only a bias per output channel ({n}) or a scalar can be quantized."),
            };
            biasName = c.Name;
        }

        return new LinearLayer
        {
            Node = node,
            Input = node.Input[0],
            WeightName = weight.Name,
            Weight = values,
            InputChannels = k,
            OutputChannels = n,
            Bias = bias,
            BiasName = biasName,
            AsGemm = true,
            Output = node.Output[0],
        };
    }

    /// <summary>The Add's other input when it is a constant bias of one value per output channel.</summary>
    private static TensorProto? BiasOf(NodeProto add, string product, int channels, GraphIndex index)
    {
        var other = add.Input.Count == 2 ? (add.Input[0] == product ? add.Input[1] : add.Input[1] == product ? add.Input[0] : null) : null;
        return other is not null && index.Initializer(other) is { DataType: OnnxTypes.Float } bias
            && OnnxTensors.ElementCount(bias) == channels
            && (bias.Dims.Count == 1 || (bias.Dims.Count == 2 && bias.Dims[0] == 1))
            ? bias
            : null;
    }

    private static TensorProto ConstantWeight(NodeProto node, GraphIndex index, string source)
    {
        var weight = node.Input.Count > 1 ? index.Initializer(node.Input[1]) : null;
        if (weight is null)
        {
            var hint = index.Initializer(node.Input[0]) is null ? "" : " (its constant is the first input; the quantizer expects x · W)";
            throw new QuantizationException(
                $"{source}: node '{node.Name}' ({node.OpType}) multiplies by '{(node.Input.Count > 1 ? node.Input[1] : "?")}', which is not a constant weight{hint}; weights are quantized per output channel ahead of time and must be constant.");
        }

        if (weight.Dims.Count != 2)
        {
            throw new QuantizationException($"{source}: node '{node.Name}' ({node.OpType}) has a weight of rank {weight.Dims.Count}; the quantizer handles 2-D weights only.");
        }

        return weight;
    }

    private static float[] ReadFloats(TensorProto tensor, NodeProto node, string source)
    {
        try
        {
            return OnnxTensors.ReadFloats(tensor);
        }
        catch (InvalidOperationException ex)
        {
            throw new QuantizationException($"{source}: node '{node.Name}' ({node.OpType}): {ex.Message}", ex);
        }
    }

    private static List<LinearLayer> FuseRelus(List<LinearLayer> layers, GraphIndex index)
    {
        var layerInputs = layers.Select(l => l.Node).ToHashSet();
        bool FeedsOnlyLayers(string tensor) =>
            !index.IsGraphOutput(tensor) && index.ConsumersOf(tensor) is { Count: > 0 } readers
            && readers.All(r => layerInputs.Contains(r) && r.Input[0] == tensor && r.Input.Skip(1).All(i => i != tensor));

        return
        [
            .. layers.Select(layer =>
                layer.AsGemm && index.SoleConsumer(layer.Output) is { OpType: "Relu" } relu && FeedsOnlyLayers(relu.Output[0])
                    ? layer with { FusedRelu = relu, Output = relu.Output[0] }
                    : layer),
        ];
    }
}
