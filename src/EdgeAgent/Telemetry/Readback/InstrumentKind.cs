namespace EdgeAgent.Telemetry.Readback;

/// <summary>How a <see cref="MeterReader"/> keeps an instrument's measurements.</summary>
public enum InstrumentKind
{
    /// <summary>A total that only rises (counters and observable counters).</summary>
    Counter,

    /// <summary>A total that rises and falls.</summary>
    UpDownCounter,

    /// <summary>The last value.</summary>
    Gauge,

    /// <summary>A distribution: count, sum and, for durations, percentiles.</summary>
    Histogram,
}
