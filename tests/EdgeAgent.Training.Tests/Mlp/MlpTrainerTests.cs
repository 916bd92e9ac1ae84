using EdgeAgent.Training.Metrics;
using EdgeAgent.Training.Mlp;
using EdgeAgent.Training.Tests.Gbt;
using Xunit;

namespace EdgeAgent.Training.Tests.Mlp;

public sealed class MlpTrainerTests
{
    private static readonly MlpSettings Small = new() { Hidden1 = 16, Hidden2 = 8, Epochs = 4, BatchSize = 64, LearningRate = 0.01, Seed = 5 };

    [Fact]
    public void Same_data_and_seed_give_the_same_bytes()
    {
        var train = SyntheticMatrix.Create(2000, seed: 1);
        var validation = SyntheticMatrix.Create(500, seed: 2);

        var first = MlpOnnxExporter.Export(MlpTrainer.Train(train, validation, Small).Model);
        var second = MlpOnnxExporter.Export(MlpTrainer.Train(train, validation, Small).Model);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_gives_other_weights()
    {
        var train = SyntheticMatrix.Create(2000, seed: 1);
        var validation = SyntheticMatrix.Create(500, seed: 2);

        var first = MlpOnnxExporter.Export(MlpTrainer.Train(train, validation, Small).Model);
        var other = MlpOnnxExporter.Export(MlpTrainer.Train(train, validation, Small with { Seed = 6 }).Model);

        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Learns_a_rule_and_keeps_the_epoch_with_the_lowest_validation_loss()
    {
        var train = SyntheticMatrix.Create(3000, seed: 1);
        var holdout = SyntheticMatrix.Create(1000, seed: 2);

        var result = MlpTrainer.Train(train, holdout, Small with { Epochs = 8 });

        Assert.True(RocAuc.Compute(result.Model.Predict(holdout), holdout.Labels) > 0.95);
        var best = result.History.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(best.Epoch, result.BestEpoch);
        Assert.Equal(best.ValidationLoss, MlpTrainer.MeanLogLoss(result.Model, holdout), 9);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void Standardizes_with_the_training_rows_statistics()
    {
        var train = SyntheticMatrix.Create(2000, seed: 1);

        var p = MlpTrainer.Train(train, SyntheticMatrix.Create(200, seed: 2), Small with { Epochs = 1 }).Model.Parameters;

        var column = Enumerable.Range(0, train.Rows).Select(r => (double)train.Row(r)[0]).ToArray();
        var mean = column.Average();
        Assert.Equal(mean, p.Mean[0], 4);
        Assert.Equal(Math.Sqrt(column.Average(x => (x - mean) * (x - mean))), p.Std[0], 4);
        Assert.Equal(0f, p.Mean[EdgeAgent.Core.Features.FeatureSchema.MccIndexPosition]);
        Assert.Equal(1f, p.Std[EdgeAgent.Core.Features.FeatureSchema.MccIndexPosition]);
    }
}
