using EdgeAgent.Core.Features;

namespace EdgeAgent.Training.Data;

/// <summary>
/// Labelled feature vectors, row-major in one array (the layout ONNX Runtime takes without copying), with each
/// row's event time and whether its card is one of the held-out cardholders.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;
    private readonly bool[] _labels;
    private readonly bool[] _heldOut;
    private readonly long[] _times;

    public FeatureMatrix(float[] values, bool[] labels, bool[]? heldOut = null, long[]? times = null)
    {
        if (values.Length != labels.Length * Width)
        {
            throw new ArgumentException($"{labels.Length} rows need {labels.Length * Width} values; got {values.Length}.", nameof(values));
        }

        _values = values;
        _labels = labels;
        _heldOut = heldOut ?? new bool[labels.Length];
        _times = times ?? new long[labels.Length];
        if (_heldOut.Length != labels.Length || _times.Length != labels.Length)
        {
            throw new ArgumentException("One card group and one time per row are needed.", nameof(heldOut));
        }
    }

    /// <summary>Features per row.</summary>
    public static int Width => FeatureSchema.Count;

    public int Rows => _labels.Length;

    public ReadOnlySpan<bool> Labels => _labels;

    /// <summary>Per row: event time, seconds since the Unix epoch.</summary>
    public ReadOnlySpan<long> Times => _times;

    public int Frauds => _labels.Count(l => l);

    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * Width, Width);

    /// <summary>The first <paramref name="rows"/> rows (or all, when there are fewer).</summary>
    public FeatureMatrix Head(int rows)
    {
        var n = Math.Min(rows, Rows);
        return new FeatureMatrix(_values[..(n * Width)], _labels[..n], _heldOut[..n], _times[..n]);
    }

    /// <summary>The rows of the held-out cards (<paramref name="heldOut"/> true) or of the others, in order.</summary>
    public FeatureMatrix Cards(bool heldOut)
    {
        var count = 0;
        foreach (var h in _heldOut)
        {
            count += h == heldOut ? 1 : 0;
        }

        var values = new float[count * Width];
        var labels = new bool[count];
        var groups = new bool[count];
        var times = new long[count];
        for (int row = 0, j = 0; row < Rows; row++)
        {
            if (_heldOut[row] == heldOut)
            {
                Row(row).CopyTo(values.AsSpan(j * Width));
                (labels[j], groups[j], times[j]) = (_labels[row], heldOut, _times[row]);
                j++;
            }
        }

        return new FeatureMatrix(values, labels, groups, times);
    }

    /// <summary>Every row, row-major.</summary>
    internal ReadOnlySpan<float> Values => _values;

    /// <summary>Rows <paramref name="start"/>..start+count as writable memory, for ONNX Runtime tensors that only read it.</summary>
    internal Memory<float> RowMemory(int start, int count) => _values.AsMemory(start * Width, count * Width);
}
