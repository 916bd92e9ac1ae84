using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Pipeline;
using EdgeAgent.Core.Records;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Storage.Records;

/// <summary>One outcome as read back from the record.</summary>
internal sealed record StoredRecord
{
    public required long Sequence { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required bool IsScored { get; init; }

    public string? TransactionId { get; init; }

    public string? AnswerTopic { get; init; }

    public byte[]? AnswerCorrelation { get; init; }

    public required byte[] Answer { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>The payment, for scored outcomes: what the feature state replays.</summary>
    public PaymentEvent? Event { get; init; }

    public float[]? Features { get; init; }

    public double? Score { get; init; }

    public Decision Decision { get; init; }

    public string? FallbackReason { get; init; }

    public string? Model { get; init; }

    public string? ModelVersion { get; init; }

    public double? ShadowScore { get; init; }

    public string? ShadowModel { get; init; }

    public long Fingerprint { get; init; }

    public IReadOnlyList<Reason> Reasons { get; init; } = [];

    public string? Topic { get; init; }

    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    public byte[]? DeadLetter { get; init; }

    /// <summary>The deduplication key of a scored payment.</summary>
    public string? Key => Event is { } e ? e.DeduplicationKey : null;

    /// <summary>The outcome as the log hands it on (the cloud): no answer bytes, no dead-letter skeleton.</summary>
    public RecordedOutcome ToRecordedOutcome() => Event is { } e
        ? new RecordedOutcome
        {
            Sequence = Sequence,
            Status = "scored",
            TransactionId = TransactionId,
            StoreId = e.StoreId,
            TerminalId = e.TerminalId,
            ReceivedAt = ReceivedAt,
            EventTime = e.Timestamp,
            Amount = e.Amount,
            Currency = e.Currency,
            CardToken = e.CardToken,
            Mcc = e.Mcc,
            Channel = e.Channel == PaymentChannel.Ecommerce ? "ecommerce" : "pos",
            MerchantId = e.MerchantId,
            Location = e.Location,
            Features = Features,
            Score = Score,
            Decision = AnswerWriter.DecisionName(Decision),
            Model = Model,
            ModelVersion = ModelVersion,
            LatencyMs = LatencyMs,
            ShadowScore = ShadowScore,
            ShadowModel = ShadowModel,
            Reasons = Reasons,
        }
        : new RecordedOutcome
        {
            Sequence = Sequence,
            Status = "rejected",
            TransactionId = TransactionId,
            ReceivedAt = ReceivedAt,
            Topic = Topic,
            Errors = Errors,
        };
}
