using System.Collections.Frozen;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// The operators the quantizer knows. MatMul and Gemm are quantized; the others are kept in float32 and
/// passed through unchanged. Anything else is refused rather than guessed at: a model that runs with wrong
/// numbers is worse than a model that is not quantized.
/// </summary>
internal static class OperatorSupport
{
    /// <summary>The opset whose QuantizeLinear/DequantizeLinear take a per-channel axis.</summary>
    public const int TargetOpset = 13;

    /// <summary>The oldest default-domain opset accepted.</summary>
    public const int OldestOpset = 10;

    public static FrozenSet<string> Quantized { get; } = FrozenSet.Create(StringComparer.Ordinal, "MatMul", "Gemm");

    public static FrozenSet<string> PassedThrough { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "Add", "Sub", "Mul", "Div", "Max", "Min", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "Softplus", "Softmax",
        "Identity", "Cast", "Clip", "Concat", "Gather", "Slice", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
        "Transpose", "Dropout", "BatchNormalization", "Constant");

    /// <summary>
    /// Operators whose meaning did not change between opset 10 and 13, so a model of opset 10–12 made only of
    /// these can be moved to opset 13 (which per-channel quantization needs) as it is. Softmax, Squeeze,
    /// Unsqueeze, Dropout and BatchNormalization changed; Clip and Slice changed at 11.
    /// </summary>
    public static FrozenSet<string> SameSince10 { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Max", "Min", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf",
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "Softplus",
        "Identity", "Cast", "Concat", "Gather", "Flatten", "Reshape", "Transpose", "Constant");

    /// <summary>Operators that did not change between opset 11 and 13.</summary>
    public static FrozenSet<string> SameSince11 { get; } = SameSince10.Union(["Clip", "Slice"]).ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string opType) => Quantized.Contains(opType) || PassedThrough.Contains(opType);
}
