using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// What a pass knows about one arrival while it is being scored: filled by <see cref="BatchAssembly"/>, decided by
/// <see cref="BatchDecisions"/>, answered by <see cref="BatchAnswers"/>, which makes the immutable outcome from it.
/// </summary>
internal struct ScoringRow
{
    public OutcomeKind Kind;
    public long Sequence;
    public string? Key;
    public long Hash;
    public long Fingerprint;

    /// <summary>The row's place in the model's input, or -1 when the model does not score it.</summary>
    public int ScoreIndex;

    /// <summary>Where its features lie in the batch's feature array, or -1 when none were computed.</summary>
    public int FeatureOffset;

    /// <summary>For a repeat of a payment earlier in the same batch: that payment's index; else -1.</summary>
    public int DuplicateOf;
    public ReadOnlyMemory<byte> DuplicateAnswer;
    public Task<ReadOnlyMemory<byte>>? Deferred;
    public IReadOnlyList<ValidationError>? Errors;
    public Decision Decision;
    public double? Score;
    public string? FallbackReason;
    public ModelIdentity? Model;
    public Reason[]? Reasons;
    public double? ShadowScore;
    public ModelIdentity? ShadowModel;
    public double LatencyMs;
}
