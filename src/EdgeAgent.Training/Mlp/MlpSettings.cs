using System.Globalization;

namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Shape and training settings of the MLP. Two ReLU layers over the standardized features and a small
/// embedding of the merchant category; a sigmoid output trained on unweighted binary cross-entropy, so the
/// score is a calibrated probability like the trees'.
/// </summary>
public sealed record MlpSettings
{
    public int Hidden1 { get; init; } = 64;

    public int Hidden2 { get; init; } = 32;

    /// <summary>Width of the <c>mcc_index</c> embedding; the index itself never enters as a number.</summary>
    public int EmbeddingSize { get; init; } = 4;

    /// <summary>
    /// Training rows a merchant category needs for an embedding row of its own; rarer ones share the row of
    /// unknown codes. A category seen a few dozen times can only learn that those few rows were fraud or
    /// not, and it would carry that to every later payment of the category.
    /// </summary>
    public int MinCategoryRows { get; init; } = 1000;

    /// <summary>
    /// Share of training rows that read the unknown category's row instead of their own. The training data
    /// has no unknown codes, yet terminals send them; without this the unknown row would never be trained,
    /// and a rare category sharing it would make it mean whatever those few rows were.
    /// </summary>
    public double CategoryDropout { get; init; } = 0.1;

    /// <summary>Most passes over the training months; training stops earlier when validation loss stalls.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Epochs without a better validation loss before training stops.</summary>
    public int Patience { get; init; } = 5;

    public int BatchSize { get; init; } = 256;

    public double LearningRate { get; init; } = 0.001;

    /// <summary>Decoupled weight decay (AdamW) on the weight matrices, not on biases or the embedding.</summary>
    public double WeightDecay { get; init; } = 0.0001;

    public int Seed { get; init; } = 42;

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Hidden1}/{Hidden2} ReLU, mcc embedding {EmbeddingSize} (own row for categories with at least {MinCategoryRows} training rows, category dropout {CategoryDropout}), Adam lr {LearningRate}, weight decay {WeightDecay}, batch {BatchSize}, at most {Epochs} epochs (patience {Patience}), seed {Seed}, 1 thread");
}
