namespace EdgeAgent.Training.Data;

/// <summary>Collects rows of one part of a split while the history is replayed.</summary>
public sealed class FeatureMatrixBuilder
{
    private readonly List<float> _values = [];
    private readonly List<bool> _labels = [];

    public int Rows => _labels.Count;

    public void Add(ReadOnlySpan<float> features, bool label)
    {
        if (features.Length != FeatureMatrix.Width)
        {
            throw new ArgumentException($"A row holds {FeatureMatrix.Width} features; got {features.Length}.", nameof(features));
        }

        _values.AddRange(features);
        _labels.Add(label);
    }

    public FeatureMatrix Build() => new([.. _values], [.. _labels]);
}
