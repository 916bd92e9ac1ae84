using System.Diagnostics.Metrics;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry.Readback;

/// <summary>
/// The pipeline's counts and stage latencies read back from this host's meter: what /status, the status page's
/// charts and the cloud snapshots show. Built before the first measurement (the host makes it before the pipeline's
/// instruments), since a listener sees only what is recorded after it starts.
/// </summary>
/// <remarks>
/// A <see cref="System.Diagnostics.Metrics.MeterListener"/> of its own rather than OpenTelemetry's reader: a reader
/// added to the host's meter provider gets that provider's views, so stage latencies would come in the exported
/// buckets (25 µs to 10 s, up to four times apart) instead of the percentiles at about 4 % that /status and the
/// snapshots give; and a meter provider built apart from the host's listens to meters by name, so it would count
/// every agent hosted in the process, not this host's alone.
/// </remarks>
public sealed class PipelineReadings : IPipelineFigures, IDisposable
{
    /// <summary>Reads the agent's meter as the host's <paramref name="meterFactory"/> made it, and no other host's.</summary>
    public PipelineReadings(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Reader = new MeterReader(m => ReferenceEquals(m.Scope, meterFactory) && m.Name == AgentMeter.Name);
    }

    /// <summary>Reads one meter alone (metrics made outside a host: tools, tests).</summary>
    public PipelineReadings(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Reader = new MeterReader(m => ReferenceEquals(m, meter));
    }

    /// <summary>Every instrument of the meter, whoever added it.</summary>
    public MeterReader Reader { get; }

    public long Received => Reader.Total(MetricNames.PaymentsReceived);

    public long Scored => Reader.Total(MetricNames.PaymentsScored);

    public long Duplicates => Reader.Total(MetricNames.PaymentsDuplicates);

    public long Rejected => Reader.Total(MetricNames.PaymentsRejected);

    /// <summary>Messages acknowledged, each after its outcome was on record.</summary>
    public long Acknowledged => Reader.Total(MetricNames.MessagesAcknowledged);

    public long AnswersPublished => Reader.Total(MetricNames.AnswersPublished);

    public long AnswerFailures => Reader.Total(MetricNames.AnswersFailed);

    public long ModelErrors => Reader.Total(MetricNames.ModelErrors);

    public long PersistFailures => Reader.Total(MetricNames.PersistFailures);

    public long InferenceBatches => Reader.Total(MetricNames.InferenceExecutions);

    public long InferenceRows => Reader.Total(MetricNames.InferenceRows);

    public long ShadowRows => Reader.Total(MetricNames.ShadowRows);

    public long ShadowAgreements => Reader.Total(MetricNames.ShadowAgreements);

    public long ShadowErrors => Reader.Total(MetricNames.ShadowErrors);

    /// <summary>Messages received and not yet acknowledged.</summary>
    public long InFlight => Math.Max(0, Received - Acknowledged);

    public long InternalErrors => Reader.Total(FaultMetricNames.InternalErrors);

    public long PoisonMessages => Reader.Total(FaultMetricNames.Poison);

    public long DuplicateConflicts => Reader.Total(FaultMetricNames.DuplicateConflicts);

    public long DeadLettersDropped => Reader.Total(FaultMetricNames.DeadLettersDropped);

    public long IntakeResumes => Reader.Total(FaultMetricNames.IntakeResumes);

    /// <summary>Times intake paused, by reason (<c>disk_full</c>, <c>store_unavailable</c>).</summary>
    public IReadOnlyDictionary<string, long> IntakePauses => Reader.TotalsBy(FaultMetricNames.IntakePauses, FaultMetricNames.ReasonTag);

    public long RecordWaits => Reader.Total(FaultMetricNames.RecordWaits);

    /// <summary>Answer-journal entries refused at start, by reason.</summary>
    public IReadOnlyDictionary<string, long> JournalEntriesRefused => Reader.TotalsBy(FaultMetricNames.JournalRefused, FaultMetricNames.ReasonTag);

    /// <summary>Stored cards and merchants a start left in the store, by kind.</summary>
    public IReadOnlyDictionary<string, long> StateLeftAtStart => Reader.TotalsBy(FaultMetricNames.StateLeftAtStart, FaultMetricNames.KindTag);

    public long DecisionCount(Decision decision) =>
        Reader.Total(MetricNames.PaymentsScored, MetricNames.DecisionTag, AnswerWriter.DecisionName(decision));

    /// <summary>Rejections by every reason code; a payload with several errors counts once per distinct code.</summary>
    public IReadOnlyDictionary<string, long> RejectionsByCode()
    {
        var counted = Reader.TotalsBy(MetricNames.RejectionReasons, MetricNames.CodeTag);
        return ValidationCodes.All.ToDictionary(code => code, code => counted.GetValueOrDefault(code));
    }

    /// <summary>A stage's durations so far, in microseconds.</summary>
    public HistogramSnapshot Stage(PipelineStage stage) =>
        Reader.Histogram(MetricNames.StageDuration, MetricNames.StageTag, PipelineStageNames.Of(stage));

    public void Dispose() => Reader.Dispose();
}
