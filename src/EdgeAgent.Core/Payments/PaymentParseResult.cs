namespace EdgeAgent.Core.Payments;

/// <summary>The outcome of reading one payload: a valid event, or the reasons it was rejected.</summary>
public sealed class PaymentParseResult
{
    private PaymentParseResult(PaymentEvent? paymentEvent, IReadOnlyList<ValidationError> errors, string? transactionId, TopicAddress? address)
    {
        Event = paymentEvent;
        Errors = errors;
        TransactionId = transactionId;
        Address = address;
    }

    /// <summary>The valid event, or null when the payment was rejected.</summary>
    public PaymentEvent? Event { get; }

    /// <summary>Why the payment was rejected; empty when it is valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>The transaction id when it could be read and is well formed, so that even a rejection names it.</summary>
    public string? TransactionId { get; }

    /// <summary>Store and terminal, when the topic was well formed.</summary>
    public TopicAddress? Address { get; }

    /// <summary>True when the payment passed every check and has an <see cref="Event"/>.</summary>
    public bool IsValid => Event is not null;

    /// <summary>Which node key decrypted the card number (0 the current one, 1 the previous), -1 when it was not encrypted.</summary>
    public int PanKeyIndex { get; private init; } = -1;

    /// <summary>A payment that passed, and which node key decrypted its card number (-1 when in clear or a token).</summary>
    public static PaymentParseResult Valid(PaymentEvent paymentEvent, int panKeyIndex = -1) =>
        new(paymentEvent, [], paymentEvent.TransactionId, new TopicAddress(paymentEvent.StoreId, paymentEvent.TerminalId)) { PanKeyIndex = panKeyIndex };

    /// <summary>A refusal, with what could be read of the payment to answer it.</summary>
    public static PaymentParseResult Rejected(IReadOnlyList<ValidationError> errors, string? transactionId, TopicAddress? address) =>
        new(null, errors, transactionId, address);
}
