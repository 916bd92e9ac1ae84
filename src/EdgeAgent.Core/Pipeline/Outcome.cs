using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Everything known about one message once it has been answered: what the store records and the terminal was told.
/// Made once, complete, by the scoring loop, and never changed after: the record loop and the cloud read it on other
/// threads.
/// </summary>
public sealed class Outcome
{
    /// <summary>The message it is the outcome of.</summary>
    public required InboundMessage Message { get; init; }

    /// <summary>Scored, rejected or a duplicate.</summary>
    public required OutcomeKind Kind { get; init; }

    /// <summary>Position in the record of a scored or rejected message, in arrival order (which is commit order); 0 for a duplicate.</summary>
    public long Sequence { get; init; }

    /// <summary>The payment's deduplication key (store/terminal/transaction id); null for a rejection.</summary>
    public string? Key { get; init; }

    /// <summary>The transaction id when it was readable (masked if it held a card number).</summary>
    public string? TransactionId { get; init; }

    /// <summary>Where the answer went; null when nowhere could be trusted with it.</summary>
    public string? AnswerTopic { get; init; }

    /// <summary>The correlation data returned with the answer.</summary>
    public byte[]? AnswerCorrelation { get; init; }

    /// <summary>The valid event (scored outcomes only).</summary>
    public PaymentEvent? Event { get; init; }

    /// <summary>What the payment says, hashed; a repeat must match it (scored outcomes only).</summary>
    public long Fingerprint { get; init; }

    /// <summary>The feature vector the model saw; empty when none was computed.</summary>
    public ReadOnlyMemory<float> Features { get; init; }

    /// <summary>Fraud probability; null when the fallback decided.</summary>
    public double? Score { get; init; }

    /// <summary>The decision, for a scored payment.</summary>
    public Decision Decision { get; init; }

    /// <summary>Why the fallback decided instead of the model (<see cref="FallbackReasons"/>); null when the model did.</summary>
    public string? FallbackReason { get; init; }

    /// <summary>The model that scored; null when the fallback decided or for a rejection.</summary>
    public ModelIdentity? Model { get; init; }

    /// <summary>Why a review or decline scored as it did (up to three reasons, from the model); empty otherwise.</summary>
    public IReadOnlyList<Reason> Reasons { get; init; } = [];

    /// <summary>The shadow model's score, when one runs beside the live model; it never decides.</summary>
    public double? ShadowScore { get; init; }

    /// <summary>The shadow model, when one scored.</summary>
    public ModelIdentity? ShadowModel { get; init; }

    /// <summary>Why a payment was rejected.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>What is kept of a rejected payload: its shape, never its values (see <see cref="DeadLetterSkeleton"/>).</summary>
    public byte[]? DeadLetter { get; init; }

    /// <summary>The answer's bytes, exactly as the terminal got them; a repeat gets them again.</summary>
    public ReadOnlyMemory<byte> Answer { get; init; }

    /// <summary>For a duplicate whose first answer is only in the store: the answer, read off the scoring loop.</summary>
    public Task<ReadOnlyMemory<byte>>? DeferredAnswer { get; init; }

    /// <summary>Receipt to answer, in milliseconds, as told to the terminal.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Timestamp on the pipeline's <see cref="TimeProvider"/> at which the answer was written.</summary>
    public long AnsweredTimestamp { get; init; }
}
