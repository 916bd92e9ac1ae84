using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace EdgeAgent.Training.Onnx;

/// <summary>
/// The graph ONNX Runtime actually runs on the CPU after its optimizations (ORT_ENABLE_ALL, as the agent):
/// whether QDQ pairs were fused into integer kernels is visible only there.
/// </summary>
public static class OptimizedGraph
{
    /// <summary>Operator counts of the optimized graph, e.g. <c>QGemm×3, QuantizeLinear×1, Sigmoid×1</c>.</summary>
    public static string Operators(byte[] model)
    {
        var path = Path.Combine(Path.GetTempPath(), "edgeagent-optimized-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            using (var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                OptimizedModelFilePath = path,
            })
            using (new InferenceSession(model, options))
            {
            }

            var optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            return string.Join(", ", optimized.Graph.Node
                .GroupBy(n => n.OpType, StringComparer.Ordinal)
                .Select(g => g.Key + "×" + g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
