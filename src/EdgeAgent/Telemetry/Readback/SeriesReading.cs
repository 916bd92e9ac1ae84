using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry.Readback;

/// <summary>One series of an instrument: its tag values, and its total, last value or distribution.</summary>
public sealed class SeriesReading
{
    private readonly KeyValuePair<string, string>[] _tags;
    private double _value;
    private long _count;

    internal SeriesReading(KeyValuePair<string, string>[] tags, bool duration)
    {
        _tags = tags;
        Histogram = duration ? new LatencyHistogram() : null;
    }

    /// <summary>The tags, ordered by key.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags => _tags;

    /// <summary>A counter's total, rounded to a whole number.</summary>
    public long Total => Histogram is { } histogram ? histogram.Snapshot().Count : (long)Math.Round(Value);

    /// <summary>A counter's total or a gauge's last value; a histogram's sum.</summary>
    public double Value => Volatile.Read(ref _value);

    /// <summary>Measurements a histogram took.</summary>
    public long Count => Histogram is { } histogram ? histogram.Snapshot().Count : Volatile.Read(ref _count);

    /// <summary>The distribution in microseconds, for a duration histogram.</summary>
    public LatencyHistogram? Histogram { get; }

    /// <summary>The value of tag <paramref name="key"/>, or null when the series has none.</summary>
    public string? Tag(string key)
    {
        foreach (var (k, v) in _tags)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>True when tag <paramref name="key"/> is <paramref name="value"/>.</summary>
    public bool Has(string key, string value) => Tag(key) == value;

    internal bool Matches(string key, object? value) =>
        _tags.Length == 1 && _tags[0].Key == key && (ReferenceEquals(_tags[0].Value, value) || Equals(_tags[0].Value, value as string ?? value?.ToString()));

    internal bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != _tags.Length)
        {
            return false;
        }

        foreach (var (key, value) in tags)
        {
            if (Tag(key) != (value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                return false;
            }
        }

        return true;
    }

    internal bool Matches(KeyValuePair<string, string>[] tags) => tags.AsSpan().SequenceEqual(_tags);

    internal void Add(double increment)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + increment, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    internal void Set(double value) => Volatile.Write(ref _value, value);

    internal void Record(double value, double toMicros)
    {
        Interlocked.Increment(ref _count);
        Add(value);
        Histogram?.Record(value * toMicros);
    }
}
