using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace EdgeAgent.Onnx.Explanation;

/// <summary>
/// The trees of a model whose graph is <c>TreeEnsembleRegressor → Mul(slope) → Add(offset) → Sigmoid</c> (the
/// agent's gradient-boosted trees), read from the ONNX file itself: per node its feature, threshold, children and
/// how many training rows reached it (<see cref="CoversKey"/> in the model's metadata, written at training time).
/// The margin (log-odds) of a row is <c>slope · Σ leaf weights + offset</c>.
/// </summary>
public sealed class TreeEnsemble
{
    /// <summary>Metadata key of the per-node training row counts: base64 of little-endian int32, in node order.</summary>
    public const string CoversKey = "edgeagent.tree_node_covers";

    private TreeEnsemble(int[] roots, short[] features, float[] thresholds, int[] left, int[] right, bool[] missingLeft, float[] leafWeights, float slope, float offset, float baseValue)
    {
        Roots = roots;
        Features = features;
        Thresholds = thresholds;
        Left = left;
        Right = right;
        MissingLeft = missingLeft;
        LeafWeights = leafWeights;
        Slope = slope;
        Offset = offset;
        BaseValue = baseValue;
    }

    /// <summary>Index of each tree's root node.</summary>
    public int[] Roots { get; }

    /// <summary>Per node: the feature it splits on; −1 for a leaf.</summary>
    public short[] Features { get; }

    /// <summary>Per node: go left (the "true" branch) when the feature is at or below this.</summary>
    public float[] Thresholds { get; }

    public int[] Left { get; }

    public int[] Right { get; }

    /// <summary>Per node: a missing (NaN) value goes left.</summary>
    public bool[] MissingLeft { get; }

    /// <summary>Per node: the leaf's weight; 0 for a split.</summary>
    public float[] LeafWeights { get; }

    public float Slope { get; }

    public float Offset { get; }

    public float BaseValue { get; }

    public int NodeCount => Features.Length;

    /// <summary>The leaf a row ends in, starting from <paramref name="node"/>.</summary>
    public int LeafOf(int node, ReadOnlySpan<float> row)
    {
        while (Features[node] >= 0)
        {
            node = GoesLeft(node, row[Features[node]]) ? Left[node] : Right[node];
        }

        return node;
    }

    public bool GoesLeft(int node, float value) => float.IsNaN(value) ? MissingLeft[node] : value <= Thresholds[node];

    /// <summary>Reads the trees from a serialized model; null when the graph is not a tree ensemble of this shape.</summary>
    public static TreeEnsemble? TryRead(byte[] onnx) => TryRead(ModelProto.Parser.ParseFrom(onnx));

    public static TreeEnsemble? TryRead(ModelProto model)
    {
        var graph = model.Graph;
        var trees = graph.Node.Where(n => n.OpType == "TreeEnsembleRegressor").ToList();
        if (trees.Count != 1 || Attribute(trees[0], "aggregate_function")?.S.ToStringUtf8() is not (null or "SUM")
            || Attribute(trees[0], "post_transform")?.S.ToStringUtf8() is not (null or "NONE"))
        {
            return null;
        }

        var node = trees[0];
        var slope = Scalar(graph, "Mul", node.Output[0], out var mulOutput);
        var offset = mulOutput is null ? null : Scalar(graph, "Add", mulOutput, out _);
        if (slope is null || offset is null)
        {
            return null;
        }

        var treeIds = Ints(node, "nodes_treeids");
        var nodeIds = Ints(node, "nodes_nodeids");
        var count = treeIds.Length;
        var index = new Dictionary<(long, long), int>(count);
        for (var i = 0; i < count; i++)
        {
            index[(treeIds[i], nodeIds[i])] = i;
        }

        var modes = Attribute(node, "nodes_modes")!.Strings.Select(s => s.ToStringUtf8()).ToArray();
        var featureIds = Ints(node, "nodes_featureids");
        var values = Attribute(node, "nodes_values")!.Floats.ToArray();
        var trueIds = Ints(node, "nodes_truenodeids");
        var falseIds = Ints(node, "nodes_falsenodeids");
        var missing = Attribute(node, "nodes_missing_value_tracks_true")?.Ints.ToArray() ?? new long[count];
        var features = new short[count];
        var left = new int[count];
        var right = new int[count];
        var missingLeft = new bool[count];
        for (var i = 0; i < count; i++)
        {
            if (modes[i] == "LEAF")
            {
                features[i] = -1;
                continue;
            }

            if (modes[i] != "BRANCH_LEQ")
            {
                return null; // the exporter writes only ≤ splits; any other mode is not a model this reads
            }

            features[i] = (short)featureIds[i];
            left[i] = index[(treeIds[i], trueIds[i])];
            right[i] = index[(treeIds[i], falseIds[i])];
            missingLeft[i] = missing[i] != 0;
        }

        var weights = new float[count];
        var targetTrees = Ints(node, "target_treeids");
        var targetNodes = Ints(node, "target_nodeids");
        var targetWeights = Attribute(node, "target_weights")!.Floats;
        for (var i = 0; i < targetTrees.Length; i++)
        {
            weights[index[(targetTrees[i], targetNodes[i])]] += targetWeights[i];
        }

        var roots = treeIds.Distinct().Order().Select(t => index[(t, nodeIds.Where((_, i) => treeIds[i] == t).Min())]).ToArray();
        var baseValue = Attribute(node, "base_values")?.Floats is { Count: > 0 } b ? b[0] : 0f;
        return new TreeEnsemble(roots, features, values, left, right, missingLeft, weights, slope.Value, offset.Value, baseValue);
    }

    /// <summary>The training row counts per node from the model's metadata; null when the file has none.</summary>
    public static int[]? ReadCovers(IReadOnlyDictionary<string, string> metadata, int nodes)
    {
        if (!metadata.TryGetValue(CoversKey, out var text))
        {
            return null;
        }

        var covers = MemoryMarshal.Cast<byte, int>(Convert.FromBase64String(text)).ToArray();
        return covers.Length == nodes ? covers : null;
    }

    /// <summary>The metadata value that <see cref="ReadCovers"/> reads.</summary>
    public static string WriteCovers(ReadOnlySpan<int> covers) => Convert.ToBase64String(MemoryMarshal.AsBytes(covers));

    /// <summary>How many of <paramref name="rows"/> (row-major, <paramref name="width"/> wide) reach each node.</summary>
    public int[] Covers(ReadOnlySpan<float> rows, int width)
    {
        var covers = new int[NodeCount];
        for (var start = 0; start + width <= rows.Length; start += width)
        {
            var row = rows.Slice(start, width);
            foreach (var root in Roots)
            {
                var n = root;
                covers[n]++;
                while (Features[n] >= 0)
                {
                    n = GoesLeft(n, row[Features[n]]) ? Left[n] : Right[n];
                    covers[n]++;
                }
            }
        }

        return covers;
    }

    private static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long[] Ints(NodeProto node, string name) => Attribute(node, name)?.Ints.ToArray() ?? [];

    /// <summary>The constant scalar that a <paramref name="op"/> node applies to <paramref name="input"/>, and the node's output.</summary>
    private static float? Scalar(GraphProto graph, string op, string input, out string? output)
    {
        output = null;
        var node = graph.Node.FirstOrDefault(n => n.OpType == op && n.Input.Contains(input));
        var constant = node?.Input.FirstOrDefault(i => i != input);
        var tensor = constant is null ? null : graph.Initializer.FirstOrDefault(t => t.Name == constant);
        if (node is null || tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return null;
        }

        output = node.Output[0];
        if (tensor.FloatData.Count == 1)
        {
            return tensor.FloatData[0];
        }

        return tensor.RawData.Length == 4 ? BitConverter.ToSingle(tensor.RawData.Span) : null;
    }
}
