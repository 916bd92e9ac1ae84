using System.Diagnostics.Metrics;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace EdgeAgent.Core.Tests.Telemetry;

/// <summary>
/// The pipeline's counts in a unit test, taken from its instruments by the runtime's <see cref="MetricCollector{T}"/>
/// (Core only records; the agent's host reads its meter back). Made with the metrics, before anything is counted.
/// </summary>
internal sealed class PipelineCounts : IDisposable
{
    private static readonly string[] Counters =
    [
        MetricNames.PaymentsReceived, MetricNames.PaymentsScored, MetricNames.PaymentsRejected, MetricNames.RejectionReasons,
        MetricNames.PaymentsDuplicates, MetricNames.MessagesAcknowledged, MetricNames.ModelErrors, MetricNames.PersistFailures,
        FaultMetricNames.DuplicateConflicts, FaultMetricNames.Poison, FaultMetricNames.DeadLettersDropped, FaultMetricNames.IntakePauses,
        FaultMetricNames.IntakeResumes, FaultMetricNames.RecordWaits, FaultMetricNames.JournalFlushes, FaultMetricNames.JournalWaits,
    ];

    private readonly Dictionary<string, MetricCollector<long>> _collectors;

    public PipelineCounts(Meter meter) =>
        _collectors = Counters.ToDictionary(name => name, name => new MetricCollector<long>(meter, name), StringComparer.Ordinal);

    public long Received => Total(MetricNames.PaymentsReceived);

    public long Scored => Total(MetricNames.PaymentsScored);

    public long Rejected => Total(MetricNames.PaymentsRejected);

    public long Duplicates => Total(MetricNames.PaymentsDuplicates);

    public long Acknowledged => Total(MetricNames.MessagesAcknowledged);

    public long ModelErrors => Total(MetricNames.ModelErrors);

    public long PersistFailures => Total(MetricNames.PersistFailures);

    public long DuplicateConflicts => Total(FaultMetricNames.DuplicateConflicts);

    public long PoisonMessages => Total(FaultMetricNames.Poison);

    public long DeadLettersDropped => Total(FaultMetricNames.DeadLettersDropped);

    public long IntakeResumes => Total(FaultMetricNames.IntakeResumes);

    public long RecordWaits => Total(FaultMetricNames.RecordWaits);

    public long JournalFlushes => Total(FaultMetricNames.JournalFlushes);

    public long JournalWaits => Total(FaultMetricNames.JournalWaits);

    public IReadOnlyDictionary<string, long> IntakePauses => By(FaultMetricNames.IntakePauses, FaultMetricNames.ReasonTag);

    public IReadOnlyDictionary<string, long> RejectionsByCode() => By(MetricNames.RejectionReasons, MetricNames.CodeTag);

    public void Dispose()
    {
        foreach (var collector in _collectors.Values)
        {
            collector.Dispose();
        }
    }

    private long Total(string instrument) => _collectors[instrument].GetMeasurementSnapshot().EvaluateAsCounter();

    private Dictionary<string, long> By(string instrument, string tag) =>
        _collectors[instrument].GetMeasurementSnapshot().GroupBy(m => (string)m.Tags[tag]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value), StringComparer.Ordinal);
}
