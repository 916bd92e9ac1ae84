namespace EdgeAgent.Training.Quantization;

/// <summary>How activations are quantized.</summary>
public enum QuantizationMode
{
    /// <summary>
    /// QDQ with fixed activation scales from calibration (QuantizeLinear/DequantizeLinear pairs that ONNX
    /// Runtime fuses into integer kernels): the format ONNX Runtime recommends first on CPUs.
    /// </summary>
    Static = 0,

    /// <summary>Scales computed per batch at run time (DynamicQuantizeLinear + MatMulInteger); needs no calibration.</summary>
    Dynamic = 1,
}
