namespace EdgeAgent.Training.Quantization;

/// <summary>How an activation's range is read from the calibration rows.</summary>
public enum CalibrationMethod
{
    /// <summary>Smallest and largest value seen: nothing seen is clipped.</summary>
    MinMax = 0,

    /// <summary>
    /// The given percentile at each end: a few outliers no longer stretch the range, so the values in it
    /// get finer steps, at the cost of clipping the outliers.
    /// </summary>
    Percentile = 1,
}
