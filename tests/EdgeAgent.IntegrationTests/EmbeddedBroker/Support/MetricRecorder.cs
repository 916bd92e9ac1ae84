using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeAgent.IntegrationTests.EmbeddedBroker.Support;

/// <summary>Sums what a broker's instruments record, per instrument and per <c>reason</c> tag.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricRecorder(TestMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (factory.Owns(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _totals.AddOrUpdate(instrument.Name + "|" + tag.Value, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    public long Total(string instrument, string? reason = null) =>
        _totals.TryGetValue(reason is null ? instrument : instrument + "|" + reason, out var total) ? total : 0;

    public long Refusals(string reason) => Total("edgeagent.broker.refusals", reason);

    public void Dispose() => _listener.Dispose();
}
