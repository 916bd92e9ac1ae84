using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// Counters and stage latencies of the pipeline. Written by the pipeline's loops, read by the metrics
/// endpoint and the cloud snapshots; every field is updated atomically, so readers never block writers.
/// </summary>
public sealed partial class PipelineMetrics
{
    private readonly LatencyHistogram[] _stages = Enumerable.Range(0, Enum.GetValues<PipelineStage>().Length)
        .Select(_ => new LatencyHistogram()).ToArray();

    private readonly long[] _decisions = new long[Enum.GetValues<Decision>().Length];
    private readonly long[] _rejections = new long[ValidationCodes.All.Count];
    private long _received;
    private long _scored;
    private long _duplicates;
    private long _rejected;
    private long _acknowledged;
    private long _answersPublished;
    private long _answerFailures;
    private long _modelErrors;
    private long _persistFailures;
    private long _inferenceBatches;
    private long _inferenceRows;
    private long _shadowRows;
    private long _shadowAgreements;
    private long _shadowErrors;

    public long Received => Volatile.Read(ref _received);

    public long Scored => Volatile.Read(ref _scored);

    public long Duplicates => Volatile.Read(ref _duplicates);

    public long Rejected => Volatile.Read(ref _rejected);

    public long Acknowledged => Volatile.Read(ref _acknowledged);

    public long AnswersPublished => Volatile.Read(ref _answersPublished);

    public long AnswerFailures => Volatile.Read(ref _answerFailures);

    public long ModelErrors => Volatile.Read(ref _modelErrors);

    public long PersistFailures => Volatile.Read(ref _persistFailures);

    /// <summary>Model runs (Triton's exec count); rows divided by runs is the average batch size.</summary>
    public long InferenceBatches => Volatile.Read(ref _inferenceBatches);

    /// <summary>Rows scored (Triton's inference count).</summary>
    public long InferenceRows => Volatile.Read(ref _inferenceRows);

    /// <summary>Payments the shadow model scored.</summary>
    public long ShadowRows => Volatile.Read(ref _shadowRows);

    /// <summary>Payments where the shadow model, with its own thresholds, would have decided as the live model did.</summary>
    public long ShadowAgreements => Volatile.Read(ref _shadowAgreements);

    /// <summary>Batches the shadow model failed on (the live answers were unaffected).</summary>
    public long ShadowErrors => Volatile.Read(ref _shadowErrors);

    /// <summary>Messages received and not yet acknowledged.</summary>
    public long InFlight => Received - Acknowledged;

    public LatencyHistogram Stage(PipelineStage stage) => _stages[(int)stage];

    public long DecisionCount(Decision decision) => Volatile.Read(ref _decisions[(int)decision]);

    /// <summary>Rejections by reason code; a payload with several errors counts once per distinct code.</summary>
    public IReadOnlyDictionary<string, long> RejectionsByCode()
    {
        var result = new Dictionary<string, long>(ValidationCodes.All.Count);
        for (var i = 0; i < _rejections.Length; i++)
        {
            result[ValidationCodes.All[i]] = Volatile.Read(ref _rejections[i]);
        }

        return result;
    }

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountAcknowledged(int count) => Interlocked.Add(ref _acknowledged, count);

    public void CountScored(Decision decision)
    {
        Interlocked.Increment(ref _scored);
        Interlocked.Increment(ref _decisions[(int)decision]);
    }

    public void CountDuplicate() => Interlocked.Increment(ref _duplicates);

    public void CountRejected(IReadOnlyList<ValidationError> errors)
    {
        Interlocked.Increment(ref _rejected);
        Span<bool> counted = stackalloc bool[_rejections.Length];
        foreach (var error in errors)
        {
            var index = IndexOfCode(error.Code);
            if (index >= 0 && !counted[index])
            {
                counted[index] = true;
                Interlocked.Increment(ref _rejections[index]);
            }
        }
    }

    public void CountInference(int rows)
    {
        Interlocked.Increment(ref _inferenceBatches);
        Interlocked.Add(ref _inferenceRows, rows);
    }

    public void CountModelError() => Interlocked.Increment(ref _modelErrors);

    public void CountShadow(bool agreed)
    {
        Interlocked.Increment(ref _shadowRows);
        if (agreed)
        {
            Interlocked.Increment(ref _shadowAgreements);
        }
    }

    public void CountShadowError() => Interlocked.Increment(ref _shadowErrors);

    public void CountPersistFailure() => Interlocked.Increment(ref _persistFailures);

    public void CountAnswers(int published, int failed)
    {
        Interlocked.Add(ref _answersPublished, published);
        Interlocked.Add(ref _answerFailures, failed);
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
