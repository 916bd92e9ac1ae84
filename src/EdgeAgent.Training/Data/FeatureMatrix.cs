using EdgeAgent.Core.Features;

namespace EdgeAgent.Training.Data;

/// <summary>Labelled feature vectors, row-major in one array: the layout ONNX Runtime takes without copying.</summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;
    private readonly bool[] _labels;

    public FeatureMatrix(float[] values, bool[] labels)
    {
        if (values.Length != labels.Length * Width)
        {
            throw new ArgumentException($"{labels.Length} rows need {labels.Length * Width} values; got {values.Length}.", nameof(values));
        }

        _values = values;
        _labels = labels;
    }

    /// <summary>Features per row.</summary>
    public static int Width => FeatureSchema.Count;

    public int Rows => _labels.Length;

    public ReadOnlySpan<bool> Labels => _labels;

    public int Frauds => _labels.Count(l => l);

    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * Width, Width);

    /// <summary>The first <paramref name="rows"/> rows (or all, when there are fewer).</summary>
    public FeatureMatrix Head(int rows)
    {
        var n = Math.Min(rows, Rows);
        return new FeatureMatrix(_values[..(n * Width)], _labels[..n]);
    }

    /// <summary>Rows <paramref name="start"/>..start+count as writable memory, for ONNX Runtime tensors that only read it.</summary>
    internal Memory<float> RowMemory(int start, int count) => _values.AsMemory(start * Width, count * Width);
}
