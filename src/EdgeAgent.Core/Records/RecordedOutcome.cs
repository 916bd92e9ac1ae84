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

    public string? TransactionId { get; init; }

    public string? StoreId { get; init; }

    public string? TerminalId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public DateTimeOffset? EventTime { get; init; }

    public decimal? Amount { get; init; }

    public string? Currency { get; init; }

    public string? CardToken { get; init; }

    public string? Mcc { get; init; }

    public string? Channel { get; init; }

    public string? MerchantId { get; init; }

    public GeoPoint? Location { get; init; }

    public float[]? Features { get; init; }

    public double? Score { get; init; }

    /// <summary><c>approve</c>, <c>review</c> or <c>decline</c>, for scored payments.</summary>
    public string? Decision { get; init; }

    public string? Model { get; init; }

    public string? ModelVersion { get; init; }

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
