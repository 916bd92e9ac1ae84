using System.Text.Json.Serialization;
using EdgeAgent.Cloud.Telemetry;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>
/// <c>GET /status</c>, as the status page reads it; the property order is the document's. Members that are null are
/// left out: the operator-only ones for anyone else, the model in an echo agent, the cloud where there is none.
/// </summary>
public sealed record StatusDocument(
    string Version,
    string Mode,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    bool Ready,
    IReadOnlyList<string> NotReady,
    bool OperatorView,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fault,
    IngestStatus Ingest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModelStatus? Model,
    PaymentCounts Payments,
    ResourceUsage Resources,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CloudTarget,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CloudBufferState? Cloud,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FleetStatus? Fleet,
    IReadOnlyDictionary<string, StageLatency> LatencyMs,
    IReadOnlyList<RejectionStatus> RecentRejections,
    IReadOnlyDictionary<string, InstrumentStatus> Instruments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StatusCharts? Charts);

/// <summary>
/// The link to the fleet: whether it is up (down: payments are scored on local history), the age of the last profile
/// it brought (null: none yet), deltas waiting for the fleet's receipt, outcomes on record past what the fleet has
/// receipted, and first sights: answered within the budget, and scored on local history (misses).
/// </summary>
public sealed record FleetStatus(bool LinkUp, double? ProfileAgeSeconds, long Outbox, long RecordBehind, long ProfilesFetched, long ProfilesPushed, long FetchMisses);

/// <summary>What the terminals connect to (its address only in the operator view), and whether it is up.</summary>
public sealed record IngestStatus(string Transport, bool Connected);

/// <summary>The active model; the thresholds only in the operator view.</summary>
public sealed record ModelStatus(
    string Name,
    string Version,
    string Kind,
    string Sha256,
    string Provider,
    string ProviderReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Placement,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ReviewThreshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DeclineThreshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Swaps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RefusedSwaps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShadowStatus? Shadow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SignedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, long>? Refusals = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModelRefusalStatus? LastRefusal = null);

/// <summary>The last model refused: which, why (a reason tag), when; the details only in the operator view.</summary>
public sealed record ModelRefusalStatus(
    string Model,
    string Reason,
    DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

/// <summary>The shadow model: payments it scored, the share it would have decided alike, batches it failed on.</summary>
public sealed record ShadowStatus(string Model, long Rows, double Agreement, long Errors);

/// <summary>Counts since the start.</summary>
public sealed record PaymentCounts(
    long Received,
    long Scored,
    long Rejected,
    long Duplicates,
    long Acknowledged,
    long InFlight,
    long Queued,
    long CardsInMemory,
    long AnswersPublished,
    long AnswerFailures,
    long ModelErrors,
    long PersistFailures,
    double AverageBatch,
    IReadOnlyDictionary<string, long> Decisions,
    IReadOnlyDictionary<string, long> Rejections);

/// <summary>One stage's durations since the start, in milliseconds.</summary>
public sealed record StageLatency(long Count, double P50, double P90, double P99, double Max);

/// <summary>A rejected payload: its first code, where from and when; nothing of the payload.</summary>
public sealed record RejectionStatus(string Code, string? Store, string? Terminal, DateTimeOffset At);

/// <summary>An instrument another component added to the meter.</summary>
public sealed record InstrumentStatus(string Kind, string? Unit, IReadOnlyList<SeriesStatus> Series);

/// <summary>One series of an instrument: a histogram's sum and count, any other's value.</summary>
public sealed record SeriesStatus(
    IReadOnlyDictionary<string, string> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Sum,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Count);
