using EdgeAgent.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace EdgeAgent.Training.Gbt;

/// <summary>Trains LightGBM binary trees through ML.NET.</summary>
public static class GbtTrainer
{
    public static GbtModel Train(FeatureMatrix train, GbtSettings settings)
    {
        var ml = new MLContext(seed: settings.Seed);
        var transformer = ml.BinaryClassification.Trainers.LightGbm(Options(settings)).Fit(DataViews.Labelled(ml, train));
        return new GbtModel(ml, transformer);
    }

    /// <summary>The trainer's options for <paramref name="settings"/>, on the columns of <see cref="DataViews"/>.</summary>
    public static LightGbmBinaryTrainer.Options Options(GbtSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LightGbmBinaryTrainer.Options
        {
            FeatureColumnName = DataViews.FeaturesColumn,
            LabelColumnName = DataViews.LabelColumn,
            NumberOfIterations = settings.Trees,
            NumberOfLeaves = settings.Leaves,
            LearningRate = settings.LearningRate,
            MinimumExampleCountPerLeaf = settings.MinimumLeafRows,
            Booster = new GradientBooster.Options { L2Regularization = settings.L2Regularization },
            Seed = settings.Seed,

            // One thread and LightGBM's deterministic mode (which asks for a fixed histogram layout) make a
            // rerun on the same data produce the same trees.
            NumberOfThreads = 1,
            Deterministic = true,
            ForceColumnWise = true,

            // Unweighted: the card reports calibration, and class weights would inflate the probabilities.
            UnbalancedSets = false,
            Verbose = false,
            Silent = true,
        };
    }
}
