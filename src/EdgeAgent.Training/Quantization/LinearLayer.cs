using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// One quantizable layer: y = x · W (+ b), from a MatMul (with the bias Add after it, when fused) or a
/// Gemm, with the weight normalized to [K, N] (input × output channels) and Gemm's alpha and beta applied.
/// </summary>
internal sealed record LinearLayer
{
    /// <summary>The MatMul or Gemm node.</summary>
    public required NodeProto Node { get; init; }

    /// <summary>The activation the layer reads.</summary>
    public required string Input { get; init; }

    public required string WeightName { get; init; }

    /// <summary>Weights, row-major [K, N].</summary>
    public required float[] Weight { get; init; }

    public required int InputChannels { get; init; }

    public required int OutputChannels { get; init; }

    /// <summary>Bias per output channel, or null.</summary>
    public float[]? Bias { get; init; }

    public string? BiasName { get; init; }

    /// <summary>The bias Add fused into this layer (a MatMul's), removed from the graph.</summary>
    public NodeProto? FusedAdd { get; init; }

    /// <summary>The ReLU fused into this layer's output quantization, removed from the graph.</summary>
    public NodeProto? FusedRelu { get; init; }

    /// <summary>Whether the layer is written as a Gemm (its input is 2-D), or else as a MatMul.</summary>
    public required bool AsGemm { get; init; }

    /// <summary>The tensor the layer's replacement writes: after the fused Add and ReLU, if any.</summary>
    public required string Output { get; init; }
}
