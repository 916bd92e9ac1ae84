using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>Everything known about one message after scoring: what the store records and the terminal is told.</summary>
public sealed class Outcome
{
    public required InboundMessage Message { get; init; }

    public required OutcomeKind Kind { get; init; }

    /// <summary>The payment's deduplication key, or a unique id for a rejection.</summary>
    public required string Key { get; init; }

    /// <summary>Position in the record of a scored or rejected message: numbered in arrival order, which is commit order.</summary>
    public long Sequence { get; init; }

    /// <summary>The transaction id, when it was readable.</summary>
    public string? TransactionId { get; init; }

    /// <summary>Where the answer goes: the response topic, else the terminal's decisions topic; null when neither is known.</summary>
    public string? AnswerTopic { get; init; }

    /// <summary>The valid event (scored outcomes only).</summary>
    public PaymentEvent? Event { get; init; }

    /// <summary>The feature vector the model saw (scored outcomes only).</summary>
    public float[]? Features { get; init; }

    /// <summary>Fraud probability; null when the model failed and the fallback decided.</summary>
    public double? Score { get; set; }

    public Decision Decision { get; set; }

    public ModelIdentity? Model { get; set; }

    /// <summary>The shadow model's score, when one runs beside the live model; it never decides.</summary>
    public double? ShadowScore { get; set; }

    /// <summary>The shadow model, when one runs.</summary>
    public ModelIdentity? ShadowModel { get; set; }

    /// <summary>Why a payment was rejected.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>The payload with every card-number-like digit run masked, kept for rejected messages only.</summary>
    public byte[]? RedactedPayload { get; init; }

    /// <summary>Where the answer is, shared with duplicates of this payment.</summary>
    public required AnswerSlot Answer { get; init; }

    /// <summary>Receipt to answer, in milliseconds, as told to the terminal.</summary>
    public double LatencyMs { get; set; }

    /// <summary>Stopwatch timestamp at which scoring of this message finished.</summary>
    public long ScoredTimestamp { get; set; }

    /// <summary>A payment that failed validation; its key is unique, so a corrected resend is not taken for a duplicate.</summary>
    public static Outcome Rejected(InboundMessage message, long sequence, PaymentParseResult result, string? answerTopic, byte[] redactedPayload) => new()
    {
        Message = message,
        Kind = OutcomeKind.Rejected,
        Key = "dl-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Sequence = sequence,
        TransactionId = result.TransactionId,
        AnswerTopic = answerTopic,
        Errors = result.Errors,
        RedactedPayload = redactedPayload,
        Answer = new AnswerSlot(),
    };

    /// <summary>A payment seen before: it shares the first one's answer and adds nothing.</summary>
    public static Outcome Duplicate(InboundMessage message, PaymentEvent payment, string? answerTopic, AnswerSlot first) => new()
    {
        Message = message,
        Kind = OutcomeKind.Duplicate,
        Key = payment.DeduplicationKey,
        TransactionId = payment.TransactionId,
        AnswerTopic = answerTopic,
        Answer = first,
    };

    /// <summary>A valid new payment, about to be scored.</summary>
    public static Outcome Scored(InboundMessage message, long sequence, PaymentEvent payment, string? answerTopic, float[] features) => new()
    {
        Message = message,
        Kind = OutcomeKind.Scored,
        Key = payment.DeduplicationKey,
        Sequence = sequence,
        TransactionId = payment.TransactionId,
        AnswerTopic = answerTopic,
        Event = payment,
        Features = features,
        Answer = new AnswerSlot(),
    };
}
