namespace EdgeAgent.Training.Gbt;

/// <summary>A training row as ML.NET reads it; the vector size is set by <see cref="DataViews"/>.</summary>
public sealed class LabelledFeatures
{
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}
