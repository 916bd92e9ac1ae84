using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// A message after intake (on the thread that received it): checked, parsed, its card number tokenized and its payload
/// wiped. What the scoring loop needs, and nothing that could still hold a card number.
/// </summary>
internal sealed class Arrival
{
    public required InboundMessage Message { get; init; }

    /// <summary>The valid payment, or null when the message is refused (<see cref="Errors"/>).</summary>
    public PaymentEvent? Payment { get; init; }

    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    public string? TransactionId { get; init; }

    public TopicAddress? Address { get; init; }

    public string? AnswerTopic { get; init; }

    public byte[]? AnswerCorrelation { get; init; }

    /// <summary>The shape of a refused payload (see <see cref="DeadLetterSkeleton"/>).</summary>
    public byte[]? DeadLetter { get; init; }

    /// <summary>The poison ledger's keyed hash of the message as received (topic and payload); 0 without a ledger.</summary>
    public long MessageHash { get; init; }

    /// <summary>The poison-ledger slot held while the scoring loop runs the message's pass; -1 when none.</summary>
    public int LedgerSlot { get; set; } = -1;

    /// <summary>The card and merchant state intake read ahead from the store, when memory lacked it.</summary>
    public Features.StatePrefetch Prefetch { get; init; }

    /// <summary>The message was in an earlier crash: it is scored alone, so that if it crashes the agent again, it alone is blamed.</summary>
    public bool Isolated { get; init; }
}
