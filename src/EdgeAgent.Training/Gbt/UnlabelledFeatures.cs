namespace EdgeAgent.Training.Gbt;

/// <summary>
/// A scoring row as ML.NET reads it. The ONNX export takes its inputs from this schema: without a Label
/// column the exported graph has the feature vector as its only input.
/// </summary>
public sealed class UnlabelledFeatures
{
    public float[] Features { get; set; } = [];
}
