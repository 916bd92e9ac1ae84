namespace EdgeAgent.Training.Quantization;

/// <summary>
/// The quantizer refuses a model: it is not ONNX, or it holds something the quantizer does not know how to
/// quantize correctly. The message names the node and operator at fault.
/// </summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException()
    {
    }

    public QuantizationException(string message)
        : base(message)
    {
    }

    public QuantizationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
