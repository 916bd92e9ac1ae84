using EdgeAgent.Training.Data;
using EdgeAgent.Training.Mlp;

namespace EdgeAgent.Training.Tests.Mlp;

/// <summary>One MLP trained on the sample's November rows and exported, shared by the export and quantizer tests.</summary>
public sealed class SampleMlpFixture
{
    public SampleMlpFixture()
    {
        var replay = SampleData.Replay();
        Train = replay.Train;
        Holdout = replay.Validation;
        Model = MlpTrainer.Train(Train, Holdout, Settings).Model;
        Onnx = MlpOnnxExporter.Export(Model);
    }

    public static MlpSettings Settings { get; } = new() { Epochs = 6, Seed = 11, MinCategoryRows = 100 };

    public FeatureMatrix Train { get; }

    /// <summary>December rows: never seen in training.</summary>
    public FeatureMatrix Holdout { get; }

    public MlpModel Model { get; }

    public byte[] Onnx { get; }
}
