using System.Diagnostics.Metrics;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>The fleet's counters, on meter "EdgeAgent.Fleet".</summary>
public sealed class FleetMetrics
{
    public const string MeterName = "EdgeAgent.Fleet";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _deltas;
    private readonly Counter<long> _reads;

    public FleetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _refusals = meter.CreateCounter<long>("edgeagent_fleet_refusals_total", description: "Deltas or batches refused at the grain boundary, by reason.");
        _deltas = meter.CreateCounter<long>("edgeagent_fleet_deltas_total", description: "Deltas recorded, by outcome (accepted, duplicate, stale).");
        _reads = meter.CreateCounter<long>("edgeagent_fleet_profile_reads_total", description: "Card profiles read.");
    }

    public void Refused(string reason, int count) =>
        _refusals.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void Recorded(string outcome, int count)
    {
        if (count > 0)
        {
            _deltas.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Read() => _reads.Add(1);
}
