using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;
using Google.Protobuf;
using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Quantizes a float ONNX MLP (MatMul/Gemm layers with bias Adds and activations) to int8 the way ONNX
/// Runtime recommends for CPUs: QDQ with per-channel symmetric int8 weights and calibrated int8
/// activations. It refuses, naming the node, whatever it does not know.
/// </summary>
public static class OnnxQuantizer
{
    /// <summary>
    /// Refuses (with <see cref="QuantizationException"/>) a model the quantizer cannot handle, before any
    /// data is read; returns the number of layers it would quantize.
    /// </summary>
    public static int Check(byte[] model, QuantizerSettings settings, string source = "the model") =>
        LayerFinder.Find(QuantizerInput.Read(model, source).Graph, source).Count;

    public static QuantizationResult Quantize(byte[] model, FeatureMatrix? calibration, QuantizerSettings settings, string source = "the model")
    {
        var proto = QuantizerInput.Read(model, source);
        var layers = LayerFinder.Find(proto.Graph, source);
        if (calibration is null || calibration.Rows == 0)
        {
            throw new QuantizationException("Static quantization needs calibration rows.");
        }

        var activations = layers.Select(l => l.Input).Distinct(StringComparer.Ordinal).ToList();
        var measured = ActivationCalibrator.Measure(proto, activations, calibration, settings, source);
        QdqRewriter.Apply(proto.Graph, layers, measured);
        IReadOnlyList<ActivationRange> ranges = [.. activations.Select(a => measured[a])];
        OnnxGraphEditor.Prune(proto.Graph);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "quantization", Value = settings.Describe() });
        return new QuantizationResult(proto.ToByteArray(), layers.Count, layers.Count(l => l.FusedRelu is not null), ranges);
    }
}
