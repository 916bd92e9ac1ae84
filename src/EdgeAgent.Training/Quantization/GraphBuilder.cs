using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>Collects the nodes of a rewritten graph in order, and new initializers under names no other tensor has.</summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names;

    public GraphBuilder(GraphProto graph)
    {
        _graph = graph;
        _names = graph.Node.SelectMany(n => n.Input.Concat(n.Output))
            .Concat(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Select(v => v.Name))
            .Concat(graph.Initializer.Select(t => t.Name))
            .ToHashSet(StringComparer.Ordinal);
    }

    public List<NodeProto> Nodes { get; } = [];

    /// <summary><paramref name="wanted"/> if no tensor has that name yet, else with a number appended; the name is then taken.</summary>
    public string Name(string wanted)
    {
        var name = wanted;
        for (var i = 2; !_names.Add(name); i++)
        {
            name = wanted + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>Adds an initializer under a fresh name derived from its own; returns that name.</summary>
    public string Constant(TensorProto tensor)
    {
        tensor.Name = Name(tensor.Name);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public void Add(NodeProto node) => Nodes.Add(node);

    /// <summary>Replaces the graph's nodes with the collected ones.</summary>
    public void Commit()
    {
        _graph.Node.Clear();
        _graph.Node.AddRange(Nodes);
    }
}
