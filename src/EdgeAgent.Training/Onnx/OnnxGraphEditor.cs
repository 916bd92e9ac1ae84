using Onnx;

namespace EdgeAgent.Training.Onnx;

/// <summary>
/// Reshapes an exported graph into the agent's scoring contract: one input, one output, nothing else.
/// ML.NET's exporter writes every column it knows as an output (<c>Features.output</c>,
/// <c>PredictedLabel.output</c>, <c>Score.output</c>, ...) and keeps the nodes behind them even when asked
/// for one column; ONNX Runtime would compute them all on every batch.
/// </summary>
public static class OnnxGraphEditor
{
    /// <summary>
    /// Keeps only output <paramref name="fromOutput"/> and what it needs, renames the input and the output,
    /// and marks their first dimension as the symbolic batch size <paramref name="batchDimension"/>.
    /// </summary>
    public static void ToScoringContract(
        ModelProto model,
        string fromInput,
        string fromOutput,
        string input,
        string output,
        string batchDimension = "batch")
    {
        var graph = model.Graph;
        var inputs = graph.Input.Select(i => i.Name).ToList();
        if (!inputs.Contains(fromInput))
        {
            throw new InvalidOperationException($"The graph has no input '{fromInput}'; it has {string.Join(", ", inputs)}.");
        }

        var keptOutput = graph.Output.SingleOrDefault(o => o.Name == fromOutput)
            ?? throw new InvalidOperationException(
                $"The graph has no output '{fromOutput}'; it has {string.Join(", ", graph.Output.Select(o => o.Name))}.");
        graph.Output.Clear();
        graph.Output.Add(keptOutput);

        var needed = Prune(graph);
        if (!needed.Contains(fromInput))
        {
            throw new InvalidOperationException($"Output '{fromOutput}' does not depend on input '{fromInput}'.");
        }

        Rename(graph, fromInput, input);
        Rename(graph, fromOutput, output);
        SetBatchDimension(graph.Input.Single(i => i.Name == input), batchDimension);
        SetBatchDimension(graph.Output.Single(), batchDimension);
    }

    /// <summary>Drops every node, initializer, input and value info that no graph output depends on; returns the names still used.</summary>
    public static HashSet<string> Prune(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                needed.UnionWith(node.Input.Where(n => n.Length > 0));
            }
        }

        kept.Reverse();
        Replace(graph.Node, kept);
        Replace(graph.Initializer, graph.Initializer.Where(t => needed.Contains(t.Name)).ToList());
        Replace(graph.Input, graph.Input.Where(v => needed.Contains(v.Name)).ToList());
        Replace(graph.ValueInfo, graph.ValueInfo.Where(v => needed.Contains(v.Name)).ToList());
        return needed;
    }

    /// <summary>Renames a tensor wherever the graph mentions it.</summary>
    public static void Rename(GraphProto graph, string from, string to)
    {
        if (from == to)
        {
            return;
        }

        if (Names(graph).Contains(to))
        {
            throw new InvalidOperationException($"The graph already has a tensor named '{to}'.");
        }

        foreach (var node in graph.Node)
        {
            ReplaceAll(node.Input, from, to);
            ReplaceAll(node.Output, from, to);
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Where(v => v.Name == from))
        {
            value.Name = to;
        }

        foreach (var tensor in graph.Initializer.Where(t => t.Name == from))
        {
            tensor.Name = to;
        }
    }

    private static HashSet<string> Names(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(graph.Node.SelectMany(n => n.Input.Concat(n.Output)));
        names.UnionWith(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Select(v => v.Name));
        names.UnionWith(graph.Initializer.Select(t => t.Name));
        return names;
    }

    private static void SetBatchDimension(ValueInfoProto value, string name)
    {
        var shape = value.Type?.TensorType?.Shape;
        if (shape is null || shape.Dim.Count == 0)
        {
            throw new InvalidOperationException($"Tensor '{value.Name}' has no shape to mark a batch dimension in.");
        }

        // ML.NET writes the batch size as dim_value -1, which ONNX does not define; a named dimension is
        // the standard way to say "any size".
        shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = name };
    }

    private static void ReplaceAll(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static void Replace<T>(Google.Protobuf.Collections.RepeatedField<T> field, List<T> items)
    {
        field.Clear();
        field.AddRange(items);
    }
}
