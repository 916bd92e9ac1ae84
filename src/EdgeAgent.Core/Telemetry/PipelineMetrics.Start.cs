using System.Diagnostics.Metrics;

namespace EdgeAgent.Core.Telemetry;

/// <summary>What a start counts: answer-journal entries it refused, and stored state it did not load.</summary>
public sealed partial class PipelineMetrics
{
    private StartCounters? _start;

    private StartCounters Start => _start ??= new StartCounters(Meter);

    /// <paramref name="entries"/> journal entries refused at start, for <paramref name="reason"/>.
    public void CountJournalRefused(string reason, int entries) =>
        Start.JournalRefusedCount.Add(entries, new KeyValuePair<string, object?>(FaultMetricNames.ReasonTag, reason));

    /// <paramref name="entities"/> stored cards or merchants (<paramref name="kind"/>) left in the store at start.
    public void CountStateLeftAtStart(string kind, long entities) =>
        Start.StateLeftCount.Add(entities, new KeyValuePair<string, object?>(FaultMetricNames.KindTag, kind));

    private sealed class StartCounters(Meter meter)
    {
        public Counter<long> JournalRefusedCount { get; } = meter.CreateCounter<long>(FaultMetricNames.JournalRefused, "{entry}",
            "Answer-journal entries refused at start (not recorded), by reason; the start goes on without them.");

        public Counter<long> StateLeftCount { get; } = meter.CreateCounter<long>(FaultMetricNames.StateLeftAtStart, "{entity}",
            "Stored cards and merchants a start did not load into memory (over Pipeline:MaxCardsInMemory or MaxMerchantsInMemory); read when a payment needs them.");
    }
}
