using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The duration histogram of one pipeline stage: a measurement of <see cref="MetricNames.StageDuration"/>, in
/// seconds, tagged with the stage's name. Recording allocates nothing.
/// </summary>
public sealed class StageTimer
{
    private readonly Histogram<double> _histogram;
    private readonly MeterReader _reader;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly double _timestampFrequency;

    internal StageTimer(Histogram<double> histogram, MeterReader reader, PipelineStage stage, long timestampFrequency)
    {
        _histogram = histogram;
        _reader = reader;
        _timestampFrequency = timestampFrequency;
        Name = PipelineStageNames.Of(stage);
        _tag = new(MetricNames.StageTag, Name);
    }

    /// <summary>The stage's name, as /metrics, /status and the snapshots give it.</summary>
    public string Name { get; }

    /// <summary>Records one duration in microseconds.</summary>
    public void Record(double micros) => _histogram.Record(Math.Max(0, micros) / 1_000_000, _tag);

    /// <summary>
    /// Records the time from one timestamp of the metrics' <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>)
    /// to another.
    /// </summary>
    public void RecordTicks(long startTimestamp, long endTimestamp) =>
        _histogram.Record(Math.Max(0, endTimestamp - startTimestamp) / _timestampFrequency, _tag);

    /// <summary>What this host recorded so far, in microseconds (read back from the instrument).</summary>
    public HistogramSnapshot Snapshot() => _reader.Histogram(MetricNames.StageDuration, MetricNames.StageTag, Name);
}
