using EdgeAgent.Core.Features;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using Google.Protobuf;
using Microsoft.ML;
using Onnx;

namespace EdgeAgent.Training.Onnx;

/// <summary>Exports a trained model to ONNX in the agent's contract: input <c>features</c> [batch, 22], output <c>probability</c> [batch, 1].</summary>
public static class OnnxExporter
{
    public const string InputName = "features";

    public const string OutputName = "probability";

    /// <summary>ML.NET names a graph output after its column with this suffix.</summary>
    private const string MlNetOutputSuffix = ".output";

    public static byte[] Export(GbtModel model)
    {
        // The export reads only the schema of this view; one row of zeros carries it. Leaving the label out
        // of the schema keeps it out of the graph's inputs.
        var schema = DataViews.Unlabelled(model.Context, new FeatureMatrix(new float[FeatureMatrix.Width], [false]));
        using var raw = new MemoryStream();
        model.Context.Model.ConvertToOnnx(model.Transformer, schema, raw, GbtModel.ProbabilityColumn);

        var proto = ModelProto.Parser.ParseFrom(raw.ToArray());
        OnnxGraphEditor.ToScoringContract(
            proto,
            DataViews.FeaturesColumn,
            GbtModel.ProbabilityColumn + MlNetOutputSuffix,
            InputName,
            OutputName);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "feature_schema", Value = FeatureSchema.Version });
        return proto.ToByteArray();
    }
}
