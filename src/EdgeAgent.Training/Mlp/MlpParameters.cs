using EdgeAgent.Core.Features;

namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Every number of the network, row-major with the input index first (<c>W[in, out]</c>), which is the
/// layout of an ONNX MatMul weight: the exporter copies the arrays as they are.
/// </summary>
public sealed class MlpParameters
{
    public MlpParameters(int hidden1, int hidden2, int embeddingSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden2, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        Hidden1 = hidden1;
        Hidden2 = hidden2;
        EmbeddingSize = embeddingSize;
        Mean = new float[FeatureSchema.Count];
        Std = new float[FeatureSchema.Count];
        Embedding = new float[Categories * embeddingSize];
        LearnedCategories = new bool[Categories];
        W1 = new float[InputWidth * hidden1];
        B1 = new float[hidden1];
        W2 = new float[hidden1 * hidden2];
        B2 = new float[hidden2];
        W3 = new float[hidden2];
        B3 = new float[1];
    }

    /// <summary>Rows of the embedding table: every <c>mcc_index</c>, unknown (0) included.</summary>
    public static int Categories => MerchantCategories.IndexCount;

    /// <summary>Feature columns that enter the first layer as numbers: all but <c>mcc_index</c>.</summary>
    public static int[] NumericColumns { get; } =
        [.. Enumerable.Range(0, FeatureSchema.Count).Where(i => i != FeatureSchema.MccIndexPosition)];

    public int Hidden1 { get; }

    public int Hidden2 { get; }

    public int EmbeddingSize { get; }

    /// <summary>Width of the first layer's input: the numeric columns, then the embedding.</summary>
    public int InputWidth => NumericColumns.Length + EmbeddingSize;

    /// <summary>Training-month mean of each feature (0 for <c>mcc_index</c>, which is not standardized in effect).</summary>
    public float[] Mean { get; }

    /// <summary>Training-month standard deviation of each feature (1 where a feature does not vary).</summary>
    public float[] Std { get; }

    public float[] Embedding { get; }

    /// <summary>
    /// Categories with an embedding row of their own. The others, too rare in the training months, share
    /// the row of unknown codes (0); the exported table repeats that row for them.
    /// </summary>
    public bool[] LearnedCategories { get; }

    /// <summary>The embedding row that a category reads: its own when learned, else the unknown row.</summary>
    public int EmbeddingRowOf(int category) => LearnedCategories[category] ? category : 0;

    /// <summary>The embedding table as the graph holds it: one row per category, rare ones copying the unknown row.</summary>
    public float[] ExportedEmbedding()
    {
        var table = new float[Embedding.Length];
        for (var c = 0; c < Categories; c++)
        {
            Embedding.AsSpan(EmbeddingRowOf(c) * EmbeddingSize, EmbeddingSize).CopyTo(table.AsSpan(c * EmbeddingSize));
        }

        return table;
    }

    public float[] W1 { get; }

    public float[] B1 { get; }

    public float[] W2 { get; }

    public float[] B2 { get; }

    /// <summary>The output layer's weights, [Hidden2, 1].</summary>
    public float[] W3 { get; }

    public float[] B3 { get; }

    /// <summary>The arrays the optimizer updates, in a fixed order.</summary>
    public float[][] Trainable => [Embedding, W1, B1, W2, B2, W3, B3];

    /// <summary>A same-shaped set of zeros (for gradients and optimizer moments).</summary>
    public MlpParameters ZerosLike() => new(Hidden1, Hidden2, EmbeddingSize);

    public MlpParameters Clone()
    {
        var copy = ZerosLike();
        Mean.CopyTo(copy.Mean, 0);
        Std.CopyTo(copy.Std, 0);
        LearnedCategories.CopyTo(copy.LearnedCategories, 0);
        var from = Trainable;
        var to = copy.Trainable;
        for (var i = 0; i < from.Length; i++)
        {
            from[i].CopyTo(to[i], 0);
        }

        return copy;
    }
}
