using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Tests.Gbt;

/// <summary>One small model trained on synthetic rows and exported, shared by the round-trip tests.</summary>
public sealed class TrainedModelFixture
{
    public TrainedModelFixture()
    {
        Train = SyntheticMatrix.Create(3000, seed: 1);
        Holdout = SyntheticMatrix.Create(1000, seed: 2);
        Model = GbtTrainer.Train(Train, Settings);
        Onnx = OnnxExporter.Export(Model, Train);
    }

    public static GbtSettings Settings { get; } = new() { Trees = 30, Leaves = 8, MinimumLeafRows = 10, LearningRate = 0.1, Seed = 3 };

    public FeatureMatrix Train { get; }

    public FeatureMatrix Holdout { get; }

    public GbtModel Model { get; }

    public byte[] Onnx { get; }
}
