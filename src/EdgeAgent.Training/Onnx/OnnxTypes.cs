namespace EdgeAgent.Training.Onnx;

/// <summary>
/// ONNX <c>TensorProto.DataType</c> codes used here. The protobuf field is a plain int, and these are the
/// values onnx.proto fixes for good.
/// </summary>
internal static class OnnxTypes
{
    public const int Float = 1;

    public const int UInt8 = 2;

    public const int Int8 = 3;

    public const int Int32 = 6;

    public const int Int64 = 7;

    public const int Double = 11;

    public static string Describe(int dataType) => dataType switch
    {
        Float => "float32",
        UInt8 => "uint8",
        Int8 => "int8",
        Int32 => "int32",
        Int64 => "int64",
        Double => "float64",
        _ => "ONNX data type " + dataType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
