namespace EdgeAgent.Training.Quantization;

/// <summary>The quantized model and what was done to make it.</summary>
/// <param name="Onnx">The quantized ONNX file.</param>
/// <param name="Layers">MatMul/Gemm layers quantized.</param>
/// <param name="FusedRelus">ReLUs folded into the quantization of their layer's output.</param>
/// <param name="Ranges">Calibrated activation ranges (static mode), in graph order.</param>
public sealed record QuantizationResult(byte[] Onnx, int Layers, int FusedRelus, IReadOnlyList<ActivationRange> Ranges);
