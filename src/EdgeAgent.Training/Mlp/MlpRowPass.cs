using EdgeAgent.Core.Features;

namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Forward and backward pass of one row, with the activations kept between the two. The forward pass does
/// what the exported graph does, step by step and in float32: standardize, look up the embedding, two
/// ReLU layers, the output logit.
/// </summary>
internal sealed class MlpRowPass
{
    private readonly float[] _z;
    private readonly float[] _h1;
    private readonly float[] _h2;
    private readonly float[] _dh1;
    private readonly float[] _dh2;
    private int _category;

    public MlpRowPass(MlpParameters shape)
    {
        _z = new float[shape.InputWidth];
        _h1 = new float[shape.Hidden1];
        _h2 = new float[shape.Hidden2];
        _dh1 = new float[shape.Hidden1];
        _dh2 = new float[shape.Hidden2];
    }

    /// <summary>
    /// The category index as the graph computes it: Clip to [0, count − 1], then a cast that truncates.
    /// Clipping keeps an out-of-range value from failing the Gather in ONNX Runtime.
    /// </summary>
    public static int CategoryOf(float mccIndex) =>
        (int)Math.Clamp(mccIndex, 0f, MlpParameters.Categories - 1);

    /// <summary>
    /// Computes and keeps the activations of <paramref name="features"/>; returns the logit. With
    /// <paramref name="unknownCategory"/> the row reads the unknown category's embedding, whatever its code.
    /// </summary>
    public float Forward(MlpParameters p, ReadOnlySpan<float> features, bool unknownCategory = false)
    {
        var numeric = MlpParameters.NumericColumns;
        for (var j = 0; j < numeric.Length; j++)
        {
            var c = numeric[j];
            _z[j] = (features[c] - p.Mean[c]) / p.Std[c];
        }

        _category = unknownCategory ? 0 : p.EmbeddingRowOf(CategoryOf(features[FeatureSchema.MccIndexPosition]));
        p.Embedding.AsSpan(_category * p.EmbeddingSize, p.EmbeddingSize).CopyTo(_z.AsSpan(numeric.Length));

        Dense(_z, p.W1, p.B1, _h1);
        Dense(_h1, p.W2, p.B2, _h2);
        return VectorMath.Dot(_h2, p.W3) + p.B3[0];
    }

    /// <summary>Adds this row's gradients, for d loss / d logit = <paramref name="dLogit"/>, to <paramref name="g"/>.</summary>
    public void Backward(MlpParameters p, MlpParameters g, float dLogit)
    {
        VectorMath.Axpy(dLogit, _h2, g.W3);
        g.B3[0] += dLogit;
        for (var j = 0; j < _h2.Length; j++)
        {
            _dh2[j] = _h2[j] > 0 ? p.W3[j] * dLogit : 0f;
        }

        VectorMath.Axpy(1f, _dh2, g.B2);
        var h2 = p.Hidden2;
        for (var k = 0; k < _h1.Length; k++)
        {
            if (_h1[k] > 0)
            {
                VectorMath.Axpy(_h1[k], _dh2, g.W2.AsSpan(k * h2, h2));
                _dh1[k] = VectorMath.Dot(p.W2.AsSpan(k * h2, h2), _dh2);
            }
            else
            {
                _dh1[k] = 0f;
            }
        }

        VectorMath.Axpy(1f, _dh1, g.B1);
        var h1 = p.Hidden1;
        for (var k = 0; k < _z.Length; k++)
        {
            if (_z[k] != 0)
            {
                VectorMath.Axpy(_z[k], _dh1, g.W1.AsSpan(k * h1, h1));
            }
        }

        var first = MlpParameters.NumericColumns.Length;
        for (var e = 0; e < p.EmbeddingSize; e++)
        {
            g.Embedding[(_category * p.EmbeddingSize) + e] += VectorMath.Dot(p.W1.AsSpan((first + e) * h1, h1), _dh1);
        }
    }

    /// <summary>y = ReLU(x · W + b) with W as [x.Length, y.Length]; rows of W whose input is 0 are skipped.</summary>
    private static void Dense(ReadOnlySpan<float> x, float[] w, float[] b, Span<float> y)
    {
        b.CopyTo(y);
        var width = y.Length;
        for (var k = 0; k < x.Length; k++)
        {
            if (x[k] != 0)
            {
                VectorMath.Axpy(x[k], w.AsSpan(k * width, width), y);
            }
        }

        for (var j = 0; j < y.Length; j++)
        {
            y[j] = Math.Max(y[j], 0f);
        }
    }
}
