using EdgeAgent.Core.Features;
using EdgeAgent.Training.Data;

namespace EdgeAgent.Training.Mlp;

/// <summary>
/// Trains the MLP with mini-batch AdamW on binary cross-entropy, on one thread. Everything random (the
/// initial weights and the order of rows in each epoch) comes from one <see cref="Random"/> seeded with
/// <see cref="MlpSettings.Seed"/>, and every sum runs in a fixed order, so the same rows and settings give
/// the same weights on the same machine. After each epoch the validation loss is measured; the weights of
/// the best epoch are kept and training stops after <see cref="MlpSettings.Patience"/> epochs without a
/// better one.
/// </summary>
public static class MlpTrainer
{
    /// <summary>Below this, a feature counts as constant and is left unscaled.</summary>
    private const double MinimumStd = 1e-6;

    public static MlpTrainingResult Train(FeatureMatrix train, FeatureMatrix validation, MlpSettings settings, Action<MlpEpoch>? progress = null)
    {
        if (train.Rows == 0 || train.Frauds == 0 || validation.Rows == 0)
        {
            throw new ArgumentException($"Training needs rows with fraud and validation rows; got {train.Rows} training rows ({train.Frauds} frauds) and {validation.Rows} validation rows.", nameof(train));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Epochs, 1);
        var random = new Random(settings.Seed);
        var p = new MlpParameters(settings.Hidden1, settings.Hidden2, settings.EmbeddingSize);
        Standardize(train, p);
        ChooseCategories(train, p, settings.MinCategoryRows);
        Initialize(p, random, train.Frauds / (double)train.Rows);

        var gradients = p.ZerosLike();
        var optimizer = new AdamOptimizer(p, settings.LearningRate, settings.WeightDecay);
        var pass = new MlpRowPass(p);
        var order = Enumerable.Range(0, train.Rows).ToArray();
        var history = new List<MlpEpoch>();
        var best = p.Clone();
        var bestLoss = double.PositiveInfinity;
        var bestEpoch = 0;

        for (var epoch = 1; epoch <= settings.Epochs && epoch - bestEpoch <= settings.Patience; epoch++)
        {
            random.Shuffle(order);
            double trainLoss = 0;
            for (var start = 0; start < order.Length; start += settings.BatchSize)
            {
                var end = Math.Min(start + settings.BatchSize, order.Length);
                Clear(gradients);
                for (var i = start; i < end; i++)
                {
                    var row = order[i];
                    var label = train.Labels[row];
                    var logit = pass.Forward(p, train.Row(row), unknownCategory: random.NextDouble() < settings.CategoryDropout);
                    trainLoss += MlpModel.LogLoss(logit, label);
                    pass.Backward(p, gradients, MlpModel.Sigmoid(logit) - (label ? 1f : 0f));
                }

                optimizer.Step(p, gradients, end - start);
            }

            var validationLoss = MeanLogLoss(new MlpModel(p, settings), validation);
            var result = new MlpEpoch(epoch, trainLoss / train.Rows, validationLoss);
            history.Add(result);
            progress?.Invoke(result);
            if (validationLoss < bestLoss)
            {
                bestLoss = validationLoss;
                bestEpoch = epoch;
                best = p.Clone();
            }
        }

        return new MlpTrainingResult(new MlpModel(best, settings), bestEpoch, history);
    }

    public static double MeanLogLoss(MlpModel model, FeatureMatrix rows)
    {
        var logits = model.Logits(rows);
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            sum += MlpModel.LogLoss(logits[i], rows.Labels[i]);
        }

        return sum / logits.Length;
    }

    /// <summary>Means and standard deviations of the training months, which the graph subtracts and divides by.</summary>
    private static void Standardize(FeatureMatrix train, MlpParameters p)
    {
        for (var c = 0; c < FeatureSchema.Count; c++)
        {
            double sum = 0;
            double sumSquares = 0;
            for (var r = 0; r < train.Rows; r++)
            {
                double x = train.Row(r)[c];
                sum += x;
                sumSquares += x * x;
            }

            var mean = sum / train.Rows;
            var std = Math.Sqrt(Math.Max(0, (sumSquares / train.Rows) - (mean * mean)));
            p.Mean[c] = (float)mean;
            p.Std[c] = std < MinimumStd ? 1f : (float)std;
        }

        // mcc_index enters through the embedding, never as a number; identity scaling keeps it readable in the graph.
        p.Mean[FeatureSchema.MccIndexPosition] = 0f;
        p.Std[FeatureSchema.MccIndexPosition] = 1f;
    }

    /// <summary>Marks the categories with enough training rows for an embedding of their own; the unknown row (0) always is one.</summary>
    private static void ChooseCategories(FeatureMatrix train, MlpParameters p, int minimumRows)
    {
        var counts = new int[MlpParameters.Categories];
        for (var r = 0; r < train.Rows; r++)
        {
            counts[MlpRowPass.CategoryOf(train.Row(r)[FeatureSchema.MccIndexPosition])]++;
        }

        p.LearnedCategories[0] = true;
        for (var c = 1; c < counts.Length; c++)
        {
            p.LearnedCategories[c] = counts[c] >= minimumRows;
        }
    }

    /// <summary>
    /// He-normal weights for the ReLU layers, unit-normal embeddings (the same scale as a standardized
    /// feature), zero biases, and an output bias at the training fraud rate's log-odds, so the first
    /// batches do not spend themselves learning the base rate.
    /// </summary>
    private static void Initialize(MlpParameters p, Random random, double fraudRate)
    {
        Fill(p.Embedding, random, 1.0);
        Fill(p.W1, random, Math.Sqrt(2.0 / p.InputWidth));
        Fill(p.W2, random, Math.Sqrt(2.0 / p.Hidden1));
        Fill(p.W3, random, Math.Sqrt(1.0 / p.Hidden2));
        p.B3[0] = (float)Math.Log(fraudRate / (1 - fraudRate));
    }

    private static void Fill(float[] values, Random random, double std)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(std * Normal(random));
        }
    }

    /// <summary>A standard normal draw (Box–Muller), so the weights depend only on the seed.</summary>
    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static void Clear(MlpParameters gradients)
    {
        foreach (var g in gradients.Trainable)
        {
            Array.Clear(g);
        }
    }
}
