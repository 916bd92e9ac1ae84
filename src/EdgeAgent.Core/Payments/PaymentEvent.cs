namespace EdgeAgent.Core.Payments;

/// <summary>
/// A card payment that passed validation. It carries the keyed card token, never the card number:
/// the PAN is tokenized while the payload is parsed and never becomes a string.
/// </summary>
public sealed class PaymentEvent
{
    /// <summary>The terminal's id for the payment, unique per terminal; retries repeat it.</summary>
    public required string TransactionId { get; init; }

    /// <summary>Store id, taken from the topic.</summary>
    public required string StoreId { get; init; }

    /// <summary>Terminal id, taken from the topic.</summary>
    public required string TerminalId { get; init; }

    /// <summary>When the payment happened, with the terminal's UTC offset (local hour of day comes from it).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Amount in the major unit of <see cref="Currency"/>.</summary>
    public required decimal Amount { get; init; }

    /// <summary>ISO 4217 alphabetic code.</summary>
    public required string Currency { get; init; }

    /// <summary>Keyed token of the card (see <see cref="Tokenization.CardTokenizer"/>) or the token the terminal sent.</summary>
    public required string CardToken { get; init; }

    /// <summary>
    /// During a key rotation, the card's token under the previous key: where its history is found until it pays under the
    /// new one. Never recorded; null outside a rotation or when the terminal sent a token.
    /// </summary>
    public string? PreviousCardToken { get; init; }

    /// <summary>ISO 18245 merchant category code, four digits.</summary>
    public required string Mcc { get; init; }

    /// <summary>Card present or not.</summary>
    public required PaymentChannel Channel { get; init; }

    /// <summary>Merchant id as the terminal reports it.</summary>
    public required string MerchantId { get; init; }

    /// <summary>Where the payment happened, when the terminal knows.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>The key that identifies this payment for duplicate detection: store, terminal and transaction id.</summary>
    public string DeduplicationKey => DeduplicationKeys.For(StoreId, TerminalId, TransactionId);

    /// <summary>What the payment says, hashed (see <see cref="PaymentFingerprint"/>): a repeat must match it.</summary>
    public long Fingerprint => PaymentFingerprint.Of(this);
}
