namespace EdgeAgent.Training.Data;

/// <summary>Collects rows of one part of a split while the history is replayed.</summary>
public sealed class FeatureMatrixBuilder
{
    private readonly List<float> _values = [];
    private readonly List<bool> _labels = [];
    private readonly List<bool> _heldOut = [];
    private readonly List<long> _times = [];

    public int Rows => _labels.Count;

    public void Add(ReadOnlySpan<float> features, bool label, bool heldOut = false, long unixSeconds = 0)
    {
        if (features.Length != FeatureMatrix.Width)
        {
            throw new ArgumentException($"A row holds {FeatureMatrix.Width} features; got {features.Length}.", nameof(features));
        }

        _values.AddRange(features);
        _labels.Add(label);
        _heldOut.Add(heldOut);
        _times.Add(unixSeconds);
    }

    public FeatureMatrix Build() => new([.. _values], [.. _labels], [.. _heldOut], [.. _times]);
}
