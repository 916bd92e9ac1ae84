using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace EdgeAgent.Training.Onnx;

/// <summary>
/// Builds and reads initializers. Values go into <c>raw_data</c> (little-endian bytes), the compact form
/// that ONNX Runtime reads without conversion; readers also accept the typed fields other exporters use.
/// </summary>
internal static class OnnxTensors
{
    public static TensorProto Float(string name, long[] dims, ReadOnlySpan<float> values) =>
        Raw(name, OnnxTypes.Float, dims, MemoryMarshal.AsBytes(values), values.Length);

    public static TensorProto Int8(string name, long[] dims, ReadOnlySpan<sbyte> values) =>
        Raw(name, OnnxTypes.Int8, dims, MemoryMarshal.AsBytes(values), values.Length);

    public static TensorProto UInt8(string name, long[] dims, ReadOnlySpan<byte> values) =>
        Raw(name, OnnxTypes.UInt8, dims, values, values.Length);

    public static TensorProto Int32(string name, long[] dims, ReadOnlySpan<int> values) =>
        Raw(name, OnnxTypes.Int32, dims, MemoryMarshal.AsBytes(values), values.Length);

    public static TensorProto Int64(string name, long[] dims, ReadOnlySpan<long> values) =>
        Raw(name, OnnxTypes.Int64, dims, MemoryMarshal.AsBytes(values), values.Length);

    /// <summary>Number of elements the dims describe (1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>The values of a float32 initializer, from raw_data or float_data.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != OnnxTypes.Float)
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' is {OnnxTypes.Describe(tensor.DataType)}, not float32.");
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' keeps its data in an external file; only self-contained models are read.");
        }

        var count = ElementCount(tensor);
        float[] values = tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : [.. tensor.FloatData];
        if (values.Length != count)
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' holds {values.Length} values for dims [{string.Join(", ", tensor.Dims)}].");
        }

        return values;
    }

    private static TensorProto Raw(string name, int dataType, long[] dims, ReadOnlySpan<byte> bytes, int count)
    {
        if (dims.Aggregate(1L, (a, d) => a * d) != count)
        {
            throw new ArgumentException($"Tensor '{name}': dims [{string.Join(", ", dims)}] do not hold {count} values.", nameof(dims));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        }

        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
