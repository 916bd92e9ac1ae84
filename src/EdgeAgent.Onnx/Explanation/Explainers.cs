using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using Onnx;

namespace EdgeAgent.Onnx.Explanation;

/// <summary>Which explanation a model gets: tree path contributions where the file allows, occlusion otherwise.</summary>
internal static class Explainers
{
    public static IExplainer? For(OnnxScorer scorer, byte[] onnx, ModelCard card)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        if (TreeEnsemble.TryRead(model) is { } trees)
        {
            var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            if (TreeEnsemble.ReadCovers(metadata, trees.NodeCount) is { } covers && trees.Features.All(f => f < FeatureSchema.Count))
            {
                return new TreePathExplainer(trees, covers);
            }
        }

        return card.Reference?.Baseline is { Length: var n } baseline && n == FeatureSchema.Count
            ? new OcclusionExplainer(scorer.Session, card.Input.Name, card.Output.Name, scorer.OutputIsVector, scorer.OutputColumns, card.Output.ScoreColumn, baseline)
            : null;
    }
}
