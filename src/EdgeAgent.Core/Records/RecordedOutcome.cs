using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Records;

/// <summary>
/// One outcome as the record holds it, read back in sequence order for whatever leaves the node (the cloud
/// sync). It carries the card token, never a card number: none ever reaches the record.
/// </summary>
public sealed record RecordedOutcome
{
    /// <summary>Position in the record; stable, so it can identify the record downstream (duplicate detection).</summary>
    public required long Sequence { get; init; }

    /// <summary><c>scored</c> or <c>rejected</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The terminal's transaction id, masked as the answer masked it; null when a refused payload had none.</summary>
    public string? TransactionId { get; init; }

    /// <summary>The store, from the topic.</summary>
    public string? StoreId { get; init; }

    /// <summary>The terminal, from the topic.</summary>
    public string? TerminalId { get; init; }

    /// <summary>When the agent received the payment, on its own clock.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The payment's own time, as the terminal gave it.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>The amount, in the currency's major unit.</summary>
    public decimal? Amount { get; init; }

    /// <summary>The ISO 4217 currency code.</summary>
    public string? Currency { get; init; }

    /// <summary>The keyed token of the card; never the card number.</summary>
    public string? CardToken { get; init; }

    /// <summary>The merchant category code.</summary>
    public string? Mcc { get; init; }

    /// <summary><c>pos</c> or <c>ecommerce</c>.</summary>
    public string? Channel { get; init; }

    /// <summary>The merchant.</summary>
    public string? MerchantId { get; init; }

    /// <summary>Where the payment was made, when the terminal said.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>The feature vector the model scored, in the schema's order.</summary>
    public float[]? Features { get; init; }

    /// <summary>The fraud probability; null when the fallback decided, or for a rejection.</summary>
    public double? Score { get; init; }

    /// <summary><c>approve</c>, <c>review</c> or <c>decline</c>, for scored payments.</summary>
    public string? Decision { get; init; }

    /// <summary>The name of the model that scored.</summary>
    public string? Model { get; init; }

    /// <summary>The version of the model that scored.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Milliseconds from receipt to the answer.</summary>
    public double LatencyMs { get; init; }

    /// <summary>The shadow model's score, when one ran beside the live model.</summary>
    public double? ShadowScore { get; init; }

    /// <summary>The shadow model, <c>name@version</c>, when one ran.</summary>
    public string? ShadowModel { get; init; }

    /// <summary>For reviews and declines: why, from the model (up to three reason codes with their feature values).</summary>
    public IReadOnlyList<Scoring.Reason> Reasons { get; init; } = [];

    /// <summary>For rejections: the reasons, as the terminal was told.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>For rejections: the MQTT topic the payload came on.</summary>
    public string? Topic { get; init; }

    /// <summary>True for a review or decline: an alert the cloud may want first.</summary>
    public bool IsAlert => Decision is "review" or "decline";
}
