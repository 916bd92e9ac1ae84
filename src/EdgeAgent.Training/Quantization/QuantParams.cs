namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Scale and zero point of one quantized tensor or channel: real ≈ scale · (q − zeroPoint). The formulas are
/// ONNX Runtime's (onnxruntime.quantization.quant_utils.compute_scale_zp), so models quantized here behave
/// as the reference tool's would.
/// </summary>
internal readonly record struct QuantParams(float Scale, int ZeroPoint)
{
    /// <summary>Symmetric int8 weights use [−127, 127], so that −max and +max quantize to the same magnitude.</summary>
    public const int WeightMax = 127;

    /// <summary>
    /// Asymmetric int8 for an activation range. The range always includes 0, so 0 (ReLU's output, padding)
    /// is exact; a range that starts at 0 gets zero point −128, which is how a folded ReLU clips.
    /// </summary>
    public static QuantParams ForActivation(double low, double high)
    {
        var rmin = Math.Min(low, 0);
        var rmax = Math.Max(high, 0);
        if (rmax - rmin < 1e-12 || double.IsNaN(rmin) || double.IsNaN(rmax))
        {
            return new QuantParams(1f, 0);
        }

        var scale = (float)((rmax - rmin) / (sbyte.MaxValue - sbyte.MinValue));
        var zeroPoint = (int)Math.Clamp(Math.Round(sbyte.MinValue - (rmin / scale), MidpointRounding.ToEven), sbyte.MinValue, sbyte.MaxValue);
        return new QuantParams(scale, zeroPoint);
    }

    /// <summary>Symmetric int8 for one weight channel: zero point 0, scale max|w| / 127.</summary>
    public static QuantParams ForWeights(float absMax) =>
        new(absMax > 0 ? absMax / WeightMax : 1f, 0);

    public sbyte QuantizeWeight(float value) =>
        (sbyte)Math.Clamp(Math.Round(value / (double)Scale, MidpointRounding.ToEven), -WeightMax, WeightMax);
}
