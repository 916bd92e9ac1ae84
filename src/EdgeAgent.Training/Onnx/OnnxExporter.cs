using EdgeAgent.Core.Features;
using EdgeAgent.Onnx.Explanation;
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

    /// <summary>
    /// Exports the trees, with the number of <paramref name="coverRows"/> (the training rows) that reach each node in
    /// the model's metadata: what the agent needs to split a score into per-feature tree path contributions.
    /// </summary>
    public static byte[] Export(GbtModel model, FeatureMatrix coverRows)
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
        var trees = TreeEnsemble.TryRead(proto)
            ?? throw new InvalidOperationException("The exported graph is not TreeEnsembleRegressor → Mul → Add → Sigmoid.");
        proto.MetadataProps.Add(new StringStringEntryProto
        {
            Key = TreeEnsemble.CoversKey,
            Value = TreeEnsemble.WriteCovers(trees.Covers(coverRows.Values, FeatureMatrix.Width)),
        });
        return proto.ToByteArray();
    }
}
