using System.Diagnostics.Metrics;
using System.Globalization;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry.Readback;

/// <summary>What a <see cref="MeterReader"/> holds of one instrument: its series, one per set of tag values.</summary>
public sealed class InstrumentReading
{
    private readonly Lock _lock = new();
    private readonly double _toMicros;
    private SeriesReading? _untagged;
    private SeriesReading[] _series = [];

    internal InstrumentReading(Instrument instrument)
    {
        Name = instrument.Name;
        Unit = instrument.Unit;
        Description = instrument.Description;
        Kind = KindOf(instrument);
        Observed = instrument.IsObservable;
        _toMicros = instrument.Unit switch
        {
            "s" => 1_000_000,
            "ms" => 1_000,
            "us" => 1,
            _ => 0,
        };
    }

    /// <summary>The instrument's name.</summary>
    public string Name { get; }

    /// <summary>Its unit, as declared.</summary>
    public string? Unit { get; }

    /// <summary>Its description, as declared.</summary>
    public string? Description { get; }

    /// <summary>Counter, histogram or gauge.</summary>
    public InstrumentKind Kind { get; }

    /// <summary>An observable instrument: its measurements are whole values (a total, a level), not increments.</summary>
    public bool Observed { get; }

    /// <summary>Every series so far.</summary>
    public IReadOnlyList<SeriesReading> Series
    {
        get
        {
            var series = Volatile.Read(ref _series);
            return _untagged is { } untagged ? [untagged, .. series] : series;
        }
    }

    /// <summary>The sum over every series.</summary>
    public long Total() => Series.Sum(s => s.Total);

    /// <summary>The sum over the series with <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public long Total(string tag, string value) => Series.Where(s => s.Has(tag, value)).Sum(s => s.Total);

    /// <summary>The sums by each value of <paramref name="tag"/>.</summary>
    public IReadOnlyDictionary<string, long> TotalsBy(string tag)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var series in Series)
        {
            if (series.Tag(tag) is { } value)
            {
                totals[value] = totals.GetValueOrDefault(value) + series.Total;
            }
        }

        return totals;
    }

    /// <summary>The histogram of the series with <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public HistogramSnapshot Histogram(string tag, string value) =>
        Series.FirstOrDefault(s => s.Has(tag, value))?.Histogram?.Snapshot() ?? HistogramSnapshot.Empty;

    internal void Measure(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        if (Kind == InstrumentKind.Histogram)
        {
            series.Record(value, _toMicros);
        }
        else if (Observed || Kind == InstrumentKind.Gauge)
        {
            series.Set(value);
        }
        else
        {
            series.Add(value);
        }
    }

    /// <summary>
    /// The series for a set of tags. The pipeline's instruments carry at most one tag, so that case is a scan of a
    /// small array that compares references first: no allocation, no lock, per measurement.
    /// </summary>
    private SeriesReading Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return _untagged ?? Create(tags);
        }

        if (tags.Length == 1)
        {
            var (key, value) = (tags[0].Key, tags[0].Value);
            foreach (var series in Volatile.Read(ref _series))
            {
                if (series.Matches(key, value))
                {
                    return series;
                }
            }
        }
        else
        {
            foreach (var series in Volatile.Read(ref _series))
            {
                if (series.Matches(tags))
                {
                    return series;
                }
            }
        }

        return Create(tags);
    }

    private SeriesReading Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        lock (_lock)
        {
            if (pairs.Length == 0)
            {
                return _untagged ??= new SeriesReading(pairs, Kind == InstrumentKind.Histogram && _toMicros > 0);
            }

            foreach (var existing in _series)
            {
                if (existing.Matches(pairs))
                {
                    return existing;
                }
            }

            var series = new SeriesReading(pairs, Kind == InstrumentKind.Histogram && _toMicros > 0);
            Volatile.Write(ref _series, [.. _series, series]);
            return series;
        }
    }

    private static InstrumentKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return InstrumentKind.Counter;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Histogram<>) ? InstrumentKind.Histogram
            : definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) ? InstrumentKind.Gauge
            : definition == typeof(UpDownCounter<>) || definition == typeof(ObservableUpDownCounter<>) ? InstrumentKind.UpDownCounter
            : InstrumentKind.Counter;
    }
}
