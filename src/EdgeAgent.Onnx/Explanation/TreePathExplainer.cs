namespace EdgeAgent.Onnx.Explanation;

/// <summary>
/// Tree path contributions of a gradient-boosted model: in every tree the row's path from the root to its leaf,
/// each split crediting its feature with how much it moved the expected value (the mean leaf weight of the training
/// rows below a node, from the covers stored in the file). Summed over the trees and scaled as the graph scales
/// them, the contributions plus the trees' expected value at their roots equal the model's margin exactly.
/// Costs one walk down each tree: the same work as scoring the row once.
/// </summary>
internal sealed class TreePathExplainer : IExplainer
{
    private readonly TreeEnsemble _trees;
    private readonly float[] _expected;
    private readonly double _bias;

    public TreePathExplainer(TreeEnsemble trees, int[] covers)
    {
        _trees = trees;
        _expected = ExpectedValues(trees, covers);
        double bias = trees.BaseValue;
        foreach (var root in trees.Roots)
        {
            bias += _expected[root];
        }

        _bias = (trees.Slope * bias) + trees.Offset;
    }

    public string Method => "tree path contributions";

    public double Contributions(ReadOnlySpan<float> row, Span<float> contributions)
    {
        contributions.Clear();
        var slope = _trees.Slope;
        var features = _trees.Features;
        foreach (var root in _trees.Roots)
        {
            var node = root;
            while (features[node] >= 0)
            {
                var next = _trees.GoesLeft(node, row[features[node]]) ? _trees.Left[node] : _trees.Right[node];
                contributions[features[node]] += slope * (_expected[next] - _expected[node]);
                node = next;
            }
        }

        return _bias;
    }

    public void Dispose()
    {
    }

    /// <summary>Per node, the cover-weighted mean weight of the leaves below it (a leaf's own weight).</summary>
    private static float[] ExpectedValues(TreeEnsemble trees, int[] covers)
    {
        var expected = new float[trees.NodeCount];
        var stack = new Stack<(int Node, bool ChildrenDone)>();
        foreach (var root in trees.Roots)
        {
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (node, done) = stack.Pop();
                if (trees.Features[node] < 0)
                {
                    expected[node] = trees.LeafWeights[node];
                }
                else if (!done)
                {
                    stack.Push((node, true));
                    stack.Push((trees.Left[node], false));
                    stack.Push((trees.Right[node], false));
                }
                else
                {
                    var (l, r) = (trees.Left[node], trees.Right[node]);
                    double total = covers[l] + covers[r];
                    expected[node] = total > 0
                        ? (float)(((covers[l] * (double)expected[l]) + (covers[r] * (double)expected[r])) / total)
                        : (expected[l] + expected[r]) / 2;
                }
            }
        }

        return expected;
    }
}
