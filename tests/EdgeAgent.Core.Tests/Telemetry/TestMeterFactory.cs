using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Tests.Telemetry;

/// <summary>An <see cref="IMeterFactory"/> like a host's: the meters it makes carry it as their scope.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Scope = this;
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
