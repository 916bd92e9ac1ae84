using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// The rank of each tensor where the graph makes it certain. Gemm is defined for 2-D inputs only, so a
/// MatMul becomes a Gemm (with its bias and ReLU fused) only where its input is known to be 2-D.
/// </summary>
internal static class RankInference
{
    private static readonly HashSet<string> SameAsFirstInput = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "Softplus", "Softmax", "Identity",
        "Cast", "Clip", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Concat", "Slice", "Transpose", "Dropout",
        "BatchNormalization",
    };

    private static readonly HashSet<string> Broadcast = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Max", "Min" };

    public static Dictionary<string, int> Infer(GraphProto graph)
    {
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => i.Type?.TensorType?.Shape is not null))
        {
            ranks[input.Name] = input.Type.TensorType.Shape.Dim.Count;
        }

        foreach (var tensor in graph.Initializer)
        {
            ranks[tensor.Name] = tensor.Dims.Count;
        }

        foreach (var node in graph.Node)
        {
            if (node.Output.Count > 0 && RankOf(node, ranks) is { } rank)
            {
                ranks[node.Output[0]] = rank;
            }
        }

        return ranks;
    }

    private static int? RankOf(NodeProto node, Dictionary<string, int> ranks)
    {
        int? In(int i) => i < node.Input.Count && ranks.TryGetValue(node.Input[i], out var r) ? r : null;

        return node.OpType switch
        {
            _ when SameAsFirstInput.Contains(node.OpType) => In(0),
            _ when Broadcast.Contains(node.OpType) => node.Input.All(ranks.ContainsKey) ? node.Input.Max(i => ranks[i]) : null,
            "Gemm" or "Flatten" => 2,
            "MatMul" => (In(0), In(1)) switch
            {
                ({ } a, { } b) when a >= 2 && b >= 2 => Math.Max(a, b),
                ({ } a, 1) when a >= 2 => a - 1,
                (1, { } b) when b >= 2 => b - 1,
                _ => null,
            },
            "Gather" => In(0) is { } data && In(1) is { } indices ? data - 1 + indices : null,
            _ => null,
        };
    }
}
