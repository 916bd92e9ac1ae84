using System.Diagnostics.Metrics;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>An <see cref="IMeterFactory"/> for tests, and a listener that sums what one instrument records by tag value.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _byTag = new(StringComparer.Ordinal);

    public TestMeterFactory(string instrument, string tag)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && _meters.Contains(published.Meter))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var pair in tags)
            {
                if (pair.Key == tag)
                {
                    lock (_byTag)
                    {
                        _byTag[(string)pair.Value!] = _byTag.GetValueOrDefault((string)pair.Value!) + value;
                    }
                }
            }
        });
        _listener.Start();
    }

    /// <summary>What the instrument recorded with <c>tag=value</c>.</summary>
    public long Recorded(string value)
    {
        lock (_byTag)
        {
            return _byTag.GetValueOrDefault(value);
        }
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
