using EdgeAgent.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EdgeAgent.Training.Gbt;

/// <summary>A trained ML.NET model with the context that made it, for predictions and the ONNX export.</summary>
public sealed class GbtModel
{
    /// <summary>The calibrated output column of an ML.NET binary classifier.</summary>
    public const string ProbabilityColumn = "Probability";

    public GbtModel(MLContext context, ITransformer transformer)
    {
        Context = context;
        Transformer = transformer;
    }

    public MLContext Context { get; }

    public ITransformer Transformer { get; }

    /// <summary>ML.NET's own fraud probabilities, the reference the exported ONNX is checked against.</summary>
    public float[] Predict(FeatureMatrix matrix)
    {
        var scored = Transformer.Transform(DataViews.Unlabelled(Context, matrix));
        return [.. scored.GetColumn<float>(ProbabilityColumn)];
    }
}
