using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>Who reads each tensor, which tensors are constant, which are graph inputs and outputs.</summary>
internal sealed class GraphIndex
{
    private static readonly IReadOnlyList<NodeProto> NoNodes = [];
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputs;

    public GraphIndex(GraphProto graph)
    {
        _initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        Inputs = graph.Input.Select(i => i.Name).Where(n => !_initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    /// <summary>Graph inputs that are not initializers: the data the model is fed.</summary>
    public HashSet<string> Inputs { get; }

    public TensorProto? Initializer(string name) => _initializers.GetValueOrDefault(name);

    public IReadOnlyList<NodeProto> ConsumersOf(string name) =>
        _consumers.TryGetValue(name, out var list) ? list : NoNodes;

    public bool IsGraphOutput(string name) => _outputs.Contains(name);

    /// <summary>The only node that reads <paramref name="name"/>, when it has exactly one reader and is not a graph output.</summary>
    public NodeProto? SoleConsumer(string name) =>
        !IsGraphOutput(name) && ConsumersOf(name) is [var only] ? only : null;
}
