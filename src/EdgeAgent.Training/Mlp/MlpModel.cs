using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Mlp;

/// <summary>A trained MLP: its parameters and the settings that made it. Predictions here are the reference the ONNX export is checked against.</summary>
public sealed class MlpModel
{
    public MlpModel(MlpParameters parameters, MlpSettings settings)
    {
        Parameters = parameters;
        Settings = settings;
    }

    public MlpParameters Parameters { get; }

    public MlpSettings Settings { get; }

    /// <summary>Output-layer logits, one per row.</summary>
    public float[] Logits(FeatureMatrix matrix)
    {
        var pass = new MlpRowPass(Parameters);
        var logits = new float[matrix.Rows];
        for (var r = 0; r < matrix.Rows; r++)
        {
            logits[r] = pass.Forward(Parameters, matrix.Row(r));
        }

        return logits;
    }

    /// <summary>Fraud probabilities, one per row: the logistic sigmoid of the logits, in float32 as the graph's Sigmoid.</summary>
    public float[] Predict(FeatureMatrix matrix)
    {
        var logits = Logits(matrix);
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = Sigmoid(logits[i]);
        }

        return logits;
    }

    public static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

    /// <summary>Binary cross-entropy of one logit, written so that large logits neither overflow nor lose precision.</summary>
    public static double LogLoss(float logit, bool label) =>
        Math.Max(logit, 0) - (label ? logit : 0) + Math.Log(1 + Math.Exp(-Math.Abs((double)logit)));
}
