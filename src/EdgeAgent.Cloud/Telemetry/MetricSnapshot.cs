using System.Text.Json.Serialization;

namespace EdgeAgent.Cloud.Telemetry;

/// <summary>
/// One metric snapshot, as the cloud and the fleet service read it; the property order is the document's. The
/// <c>events</c>, <c>decisions</c>, <c>rejections</c>, rates and latencies are of the interval since the previous
/// snapshot; <c>totals</c> are since the start, so a dropped snapshot loses no count.
/// </summary>
/// <param name="Id">The snapshot's number, kept across restarts.</param>
/// <param name="At">When it was taken.</param>
/// <param name="IntervalSeconds">The interval it covers.</param>
/// <param name="Agent">The agent's version, its model and provider.</param>
/// <param name="Drift">The running model's card band and score PSI; left out when the agent has neither for that model.</param>
/// <param name="Events">Messages by outcome in the interval.</param>
/// <param name="Decisions">Payments scored in the interval, by decision.</param>
/// <param name="Rejections">Refusals in the interval by reason code; codes with none are left out.</param>
/// <param name="Totals">Counts since the start.</param>
/// <param name="ThroughputPerSecond">Payments scored or refused per second.</param>
/// <param name="AverageBatchSize">Rows per model run (0 without runs).</param>
/// <param name="LatencyMs">Each stage's durations in the interval, by the stage's name.</param>
/// <param name="Process">The agent process's CPU and memory.</param>
/// <param name="Buffer">The cloud buffer and link now.</param>
public sealed record MetricSnapshot(
    long Id,
    DateTimeOffset At,
    double IntervalSeconds,
    SnapshotAgentInfo Agent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SnapshotDrift? Drift,
    SnapshotEvents Events,
    IReadOnlyDictionary<string, long> Decisions,
    IReadOnlyDictionary<string, long> Rejections,
    SnapshotTotals Totals,
    double ThroughputPerSecond,
    double AverageBatchSize,
    IReadOnlyDictionary<string, StageInterval> LatencyMs,
    SnapshotProcess Process,
    CloudBufferState Buffer);

/// <summary>The agent's version; its model and execution provider when it has them.</summary>
public sealed record SnapshotAgentInfo(
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Provider);

/// <summary>Messages in the interval: received, and how each ended.</summary>
public sealed record SnapshotEvents(long Received, long Scored, long Rejected, long Duplicates, long Acknowledged, long ModelErrors, long AnswerFailures);

/// <summary>Counts since the start.</summary>
public sealed record SnapshotTotals(long Received, long Scored, long Rejected, long Duplicates);

/// <summary>One stage's durations in the interval, in milliseconds.</summary>
public sealed record StageInterval(long Count, double Mean, double P50, double P90, double P99);

/// <summary>The process: CPU over the interval (100 = one core), cores, working set and managed heap now.</summary>
public sealed record SnapshotProcess(double CpuPercent, int Cores, long WorkingSetBytes, long ManagedHeapBytes);

/// <summary>Where the running model's live traffic stands against its card: score PSI once judged, and the card's hourly alert-rate band.</summary>
public sealed record SnapshotDrift(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ScorePsi,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SnapshotBand? Band);

/// <summary>The hourly alert-rate band a model's card expects.</summary>
public sealed record SnapshotBand(double HourlyLow, double HourlyHigh);
