namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Adam with decoupled weight decay (AdamW, Loshchilov and Hutter). Decay applies to the weight matrices
/// only: shrinking biases or the embedding towards zero has no regularizing meaning.
/// </summary>
internal sealed class AdamOptimizer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly MlpParameters _m;
    private readonly MlpParameters _v;
    private readonly double _learningRate;
    private readonly double _weightDecay;
    private int _step;

    public AdamOptimizer(MlpParameters shape, double learningRate, double weightDecay)
    {
        _m = shape.ZerosLike();
        _v = shape.ZerosLike();
        _learningRate = learningRate;
        _weightDecay = weightDecay;
    }

    /// <summary>One update from gradients summed over <paramref name="rows"/> rows (the mean is taken here).</summary>
    public void Step(MlpParameters p, MlpParameters gradients, int rows)
    {
        _step++;
        var scale = 1.0 / rows;
        var correction1 = 1 - Math.Pow(Beta1, _step);
        var correction2 = 1 - Math.Pow(Beta2, _step);
        var stepSize = _learningRate * Math.Sqrt(correction2) / correction1;
        var decayed = new HashSet<float[]>(ReferenceEqualityComparer.Instance) { p.W1, p.W2, p.W3 };

        var parameters = p.Trainable;
        var grads = gradients.Trainable;
        var m = _m.Trainable;
        var v = _v.Trainable;
        for (var t = 0; t < parameters.Length; t++)
        {
            var decay = decayed.Contains(parameters[t]) ? (float)(1 - (_learningRate * _weightDecay)) : 1f;
            Update(parameters[t], grads[t], m[t], v[t], scale, stepSize, decay);
        }
    }

    private static void Update(float[] w, float[] g, float[] m, float[] v, double scale, double stepSize, float decay)
    {
        for (var i = 0; i < w.Length; i++)
        {
            var gi = g[i] * scale;
            m[i] = (float)((Beta1 * m[i]) + ((1 - Beta1) * gi));
            v[i] = (float)((Beta2 * v[i]) + ((1 - Beta2) * gi * gi));
            w[i] = (float)((w[i] * decay) - (stepSize * m[i] / (Math.Sqrt(v[i]) + Epsilon)));
        }
    }
}
