using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry.Readback;

/// <summary>
/// Reads the instruments of one host's meter in-process: the single source that <c>/status</c>, the status page and
/// the cloud snapshots take their figures from (through <see cref="PipelineReadings"/>), the same measurements the
/// exporter sends to Prometheus. It listens only to meters the filter accepts (the meters its
/// host's <see cref="IMeterFactory"/> made), so two agents hosted in one process never see each other's counts,
/// and it picks up instruments that components add to the meter later. Counters keep totals, gauges their last
/// value, duration histograms a <see cref="LatencyHistogram"/> (about 4 % resolution) per series.
/// </summary>
public sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, InstrumentReading> _instruments = new(StringComparer.Ordinal);

    /// <param name="accepts">Which meters to read; called once per instrument as it is published.</param>
    public MeterReader(Func<Meter, bool> accepts)
    {
        ArgumentNullException.ThrowIfNull(accepts);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (accepts(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument, _instruments.GetOrAdd(instrument.Name, _ => new InstrumentReading(instrument)));
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentReading)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentReading)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentReading)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentReading)state!).Measure(value, tags));
        _listener.Start();
    }

    /// <summary>The names of the instruments read so far.</summary>
    public IReadOnlyCollection<string> Instruments => _instruments.Keys.ToList();

    /// <summary>The reading of one instrument, or null when no accepted meter has it.</summary>
    public InstrumentReading? Instrument(string name) => _instruments.GetValueOrDefault(name);

    /// <summary>A counter's total over all its series (0 when unknown).</summary>
    public long Total(string name) => Instrument(name)?.Total() ?? 0;

    /// <summary>A counter's total for one value of one tag (0 when unseen).</summary>
    public long Total(string name, string tag, string value) => Instrument(name)?.Total(tag, value) ?? 0;

    /// <summary>A counter's totals by the values of one tag.</summary>
    public IReadOnlyDictionary<string, long> TotalsBy(string name, string tag) =>
        Instrument(name)?.TotalsBy(tag) ?? new Dictionary<string, long>();

    /// <summary>A duration histogram's series for one tag value, in microseconds; empty when unseen.</summary>
    public HistogramSnapshot Histogram(string name, string tag, string value) =>
        Instrument(name)?.Histogram(tag, value) ?? HistogramSnapshot.Empty;

    /// <summary>Asks every observable instrument (gauges, observable counters) for its value now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}
