using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>An IMeterFactory of one test's own, so that its recorder sees only that broker's instruments.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public bool Owns(Meter meter) => _meters.Contains(meter);

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
