using System.Text;

namespace EdgeAgent.Onnx;

/// <summary>
/// Finds the INT8 operators a model file uses. ONNX Runtime runs them on GPUs only through TensorRT: the CUDA
/// provider has no kernels for them and leaves them on the CPU, with copies between devices around each one.
/// Operator types are plain strings in the ONNX protobuf, so a byte search finds them without a parser.
/// </summary>
public static class QuantizedOperators
{
    private static readonly string[] Names =
    [
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger",
        "QLinearMatMul", "QLinearConv", "QLinearAdd", "DynamicQuantizeMatMul",
    ];

    public static IReadOnlyList<string> In(string modelPath) => In(File.ReadAllBytes(modelPath));

    public static IReadOnlyList<string> In(byte[] bytes)
    {
        return Names.Where(name => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(name)) >= 0).ToList();
    }
}
