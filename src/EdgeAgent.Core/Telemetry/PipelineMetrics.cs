using System.Diagnostics.Metrics;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The pipeline's counters and stage latencies as <see cref="System.Diagnostics.Metrics"/> instruments on the
/// <see cref="AgentMeter"/> meter: the loops call the <c>Count…</c> methods and <see cref="Stage"/>. This is the
/// write side only: the exporters (Prometheus, OTLP) and the host's read-back, which feeds /status and the cloud
/// snapshots, take the same measurements from the meter, so they never disagree. Every call is allocation-free and
/// lock-free on the caller's side.
/// </summary>
public sealed partial class PipelineMetrics : IDisposable
{
    private readonly Meter? _ownMeter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _scored;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _rejectionReasons;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _answersPublished;
    private readonly Counter<long> _answersFailed;
    private readonly Counter<long> _modelErrors;
    private readonly Counter<long> _persistFailures;
    private readonly Counter<long> _inferenceExecutions;
    private readonly Counter<long> _inferenceRows;
    private readonly Counter<long> _shadowRows;
    private readonly Counter<long> _shadowAgreements;
    private readonly Counter<long> _shadowErrors;
    private readonly Counter<long> _panDecrypted;
    private readonly StageTimer[] _stages;
    private readonly KeyValuePair<string, object?>[] _decisionTags;
    private readonly KeyValuePair<string, object?>[] _codeTags;
    private static readonly KeyValuePair<string, object?> CurrentKeyTag = new(MetricNames.KeyTag, "current");
    private static readonly KeyValuePair<string, object?> PreviousKeyTag = new(MetricNames.KeyTag, "previous");

    /// <summary>Metrics on a meter of their own, outside any host (tests, tools).</summary>
    /// <param name="time">The clock whose timestamps the stages are given; the system clock by default.</param>
    public PipelineMetrics(TimeProvider? time = null)
        : this(new Meter(AgentMeter.Name), scope: null, time ?? TimeProvider.System)
    {
    }

    /// <summary>Metrics on the host's <see cref="AgentMeter"/> meter, which the host's exporters and read-back take alone.</summary>
    /// <param name="meterFactory">The host's meter factory.</param>
    /// <param name="time">The clock whose timestamps the stages are given (the pipeline's); the system clock by default.</param>
    public PipelineMetrics(IMeterFactory meterFactory, TimeProvider? time = null)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(AgentMeter.Name), meterFactory, time ?? TimeProvider.System)
    {
    }

    private PipelineMetrics(Meter meter, IMeterFactory? scope, TimeProvider time)
    {
        _ownMeter = scope is null ? meter : null;
        Meter = meter;

        _received = meter.CreateCounter<long>(MetricNames.PaymentsReceived, "{message}", "Messages received from terminals.");
        _scored = meter.CreateCounter<long>(MetricNames.PaymentsScored, "{payment}", "Payments scored, by decision.");
        _rejected = meter.CreateCounter<long>(MetricNames.PaymentsRejected, "{payment}", "Payments rejected.");
        _rejectionReasons = meter.CreateCounter<long>(MetricNames.RejectionReasons, "{rejection}", "Rejections by reason code; a payload with several errors counts once per distinct code.");
        _duplicates = meter.CreateCounter<long>(MetricNames.PaymentsDuplicates, "{payment}", "Retries and redeliveries answered from the record.");
        _acknowledged = meter.CreateCounter<long>(MetricNames.MessagesAcknowledged, "{message}", "Messages acknowledged to the broker after their outcome was recorded.");
        _answersPublished = meter.CreateCounter<long>(MetricNames.AnswersPublished, "{answer}", "Answers the broker took.");
        _answersFailed = meter.CreateCounter<long>(MetricNames.AnswersFailed, "{answer}", "Answers that could not be published.");
        _modelErrors = meter.CreateCounter<long>(MetricNames.ModelErrors, "{batch}", "Batches the model failed on (answered with the fallback decision).");
        _persistFailures = meter.CreateCounter<long>(MetricNames.PersistFailures, "{commit}", "Failed commits (retried; nothing acknowledged meanwhile).");
        _inferenceExecutions = meter.CreateCounter<long>(MetricNames.InferenceExecutions, "{run}", "Model runs (Triton's exec count).");
        _inferenceRows = meter.CreateCounter<long>(MetricNames.InferenceRows, "{row}", "Rows scored (Triton's inference count); divided by runs, the average batch.");
        _shadowRows = meter.CreateCounter<long>(MetricNames.ShadowRows, "{payment}", "Payments the shadow model scored.");
        _shadowAgreements = meter.CreateCounter<long>(MetricNames.ShadowAgreements, "{payment}", "Payments where the shadow model would have decided as the live one.");
        _shadowErrors = meter.CreateCounter<long>(MetricNames.ShadowErrors, "{batch}", "Batches the shadow model failed on.");
        _panDecrypted = meter.CreateCounter<long>(MetricNames.PanDecrypted, "{payment}",
            "Card numbers decrypted, by node key: once the previous key's count stays flat, every terminal has the current one.");
        var stageDuration = meter.CreateHistogram(MetricNames.StageDuration, "s",
            "Time spent per pipeline stage: per message, or per batch for compute_infer, answer, commit_wait and persist.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets.Seconds });
        _stages = Enum.GetValues<PipelineStage>().Select(s => new StageTimer(stageDuration, s, time.TimestampFrequency)).ToArray();

        _decisionTags = Enum.GetValues<Decision>().Select(d => new KeyValuePair<string, object?>(MetricNames.DecisionTag, AnswerWriter.DecisionName(d))).ToArray();
        _codeTags = ValidationCodes.All.Select(c => new KeyValuePair<string, object?>(MetricNames.CodeTag, c)).ToArray();
        _faults = new FaultCounters(meter);
    }

    /// <summary>The meter the instruments belong to; other components add theirs to the same one.</summary>
    public Meter Meter { get; }

    /// <summary>The last rejected payloads (code, store, terminal, time) for the status page.</summary>
    public RecentRejections RecentRejections { get; } = new();

    /// <summary>The timer of one stage of the pipeline.</summary>
    public StageTimer Stage(PipelineStage stage) => _stages[(int)stage];

    /// <summary>
    /// Records a zero on every counter, every decision and every rejection code, so that each series exists from
    /// the first scrape and a rate over it reads 0 rather than no data. Call it once the exporters listen (at
    /// host start); the totals do not change.
    /// </summary>
    public void StartSeries()
    {
        foreach (var counter in new[]
        {
            _received, _rejected, _duplicates, _acknowledged, _answersPublished, _answersFailed, _modelErrors, _persistFailures,
            _inferenceExecutions, _inferenceRows, _shadowRows, _shadowAgreements, _shadowErrors,
        })
        {
            counter.Add(0);
        }

        foreach (var tag in _decisionTags)
        {
            _scored.Add(0, tag);
        }

        foreach (var tag in _codeTags)
        {
            _rejectionReasons.Add(0, tag);
        }

        _panDecrypted.Add(0, CurrentKeyTag);
        _panDecrypted.Add(0, PreviousKeyTag);

        StartFaultSeries();
    }

    /// <summary>One message received.</summary>
    public void CountReceived() => _received.Add(1);

    /// <paramref name="count"/> messages acknowledged.
    public void CountAcknowledged(int count) => _acknowledged.Add(count);

    /// <summary>One payment decided.</summary>
    public void CountScored(Decision decision) => _scored.Add(1, _decisionTags[(int)decision]);

    /// <summary>One repeat answered with the first answer.</summary>
    public void CountDuplicate() => _duplicates.Add(1);

    /// <summary>A card number decrypted with the node's current key (<paramref name="keyIndex"/> 0) or the previous one.</summary>
    public void CountPanDecrypted(int keyIndex) => _panDecrypted.Add(1, keyIndex == 0 ? CurrentKeyTag : PreviousKeyTag);

    /// <summary>One refused payment, and each distinct code among its errors.</summary>
    public void CountRejected(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        _rejected.Add(1);
        Span<bool> counted = stackalloc bool[_codeTags.Length];
        foreach (var error in errors)
        {
            var index = IndexOfCode(error.Code);
            if (index >= 0 && !counted[index])
            {
                counted[index] = true;
                _rejectionReasons.Add(1, _codeTags[index]);
            }
        }
    }

    /// <summary>One model run over <paramref name="rows"/> rows.</summary>
    public void CountInference(int rows)
    {
        _inferenceExecutions.Add(1);
        _inferenceRows.Add(rows);
    }

    /// <summary>One batch the model failed on.</summary>
    public void CountModelError() => _modelErrors.Add(1);

    /// <summary>One row the shadow model scored, and whether it decided as the live model did.</summary>
    public void CountShadow(bool agreed)
    {
        _shadowRows.Add(1);
        if (agreed)
        {
            _shadowAgreements.Add(1);
        }
    }

    /// <summary>One batch the shadow model failed on.</summary>
    public void CountShadowError() => _shadowErrors.Add(1);

    /// <summary>One commit of the record that failed.</summary>
    public void CountPersistFailure() => _persistFailures.Add(1);

    /// <summary>Answers of a batch: published, and failed to publish.</summary>
    public void CountAnswers(int published, int failed)
    {
        _answersPublished.Add(published);
        _answersFailed.Add(failed);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ownMeter?.Dispose();
    }

    private static int IndexOfCode(string code)
    {
        var all = ValidationCodes.All;
        for (var i = 0; i < all.Count; i++)
        {
            if (ReferenceEquals(all[i], code) || all[i] == code)
            {
                return i;
            }
        }

        return -1;
    }
}
