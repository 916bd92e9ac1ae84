using System.Globalization;

namespace EdgeAgent.Training.Quantization;

/// <summary>How the quantizer calibrates activation ranges.</summary>
public sealed record QuantizerSettings
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the upper percentile (the lower one is 100 minus it).</summary>
    public double Percentile { get; init; } = 99.999;

    public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"static QDQ: int8 weights per output channel (symmetric, zero point 0), int8 activations per tensor (asymmetric), int32 biases; calibration {(Method == CalibrationMethod.MinMax ? "min/max" : $"percentile {Percentile}")}");
}
