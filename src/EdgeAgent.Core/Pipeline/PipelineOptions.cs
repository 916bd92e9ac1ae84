using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Pipeline;

/// <summary>Shape of the scoring pipeline (configuration section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Pipeline";

    /// <summary>First topic level of the terminal contract: <c>{root}/{storeId}/{terminalId}/payments</c>. Default <c>pos</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string TopicRoot { get; set; } = "pos";

    /// <summary>
    /// Most payments scored in one model run. The loop takes whatever is already queued, up to this many, and
    /// never waits for more: batching adds no latency. Default 64.
    /// </summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>Most outcomes written in one LiteDB transaction. Default 512.</summary>
    [Range(1, 10_000)]
    public int MaxCommitBatch { get; set; } = 512;

    /// <summary>
    /// How long, in milliseconds, a group of acknowledgements not yet full waits for more outcomes to join its flush, counted
    /// from when its oldest outcome was answered: a group that already waited that long behind the previous flush goes to
    /// the device at once. Answers go out before the flush, so with an external broker this delays only acknowledgements,
    /// and it turns many small flushes into few larger ones (see docs/benchmarks.md). With the embedded broker a till may
    /// wait for its PUBACK before its next payment, and there 2 against 0 made no difference beyond the noise, with 32
    /// payments in flight on 4 connections or with 100 tills (2026-12-07). Unset (default): 2 with an external broker,
    /// 0 with the embedded one.
    /// </summary>
    [Range(0, 1000)]
    public double? CommitDelayMilliseconds { get; set; }

    /// <summary>
    /// Payments that make a LiteDB commit due at once. With the answer journal as the acknowledgement point, LiteDB is fed from
    /// it behind the acknowledgements, in groups of this many or of whatever waited <see cref="RecordIntervalMilliseconds"/>:
    /// a LiteDB transaction costs about the same for one payment as for hundreds. Default 256.
    /// </summary>
    [Range(1, 100_000)]
    public int RecordGroupPayments { get; set; } = 256;

    /// <summary>
    /// The longest, in milliseconds, an acknowledged payment waits to be committed into LiteDB (it is durable in the answer
    /// journal meanwhile). The cloud sync and the fleet outbox read LiteDB, so they see a payment up to this much later; a
    /// longer interval makes fewer, larger LiteDB transactions. Unset (default): the fleet link's flush interval
    /// (<c>Fleet:FlushInterval</c>) when the fleet link is on, so a payment reaches the fleet within about one interval,
    /// else <see cref="DefaultRecordIntervalMilliseconds"/>.
    /// </summary>
    [Range(1, 600_000)]
    public double? RecordIntervalMilliseconds { get; set; }

    /// <summary>The record interval without a fleet link: 250 ms.</summary>
    public const double DefaultRecordIntervalMilliseconds = 250;

    /// <summary>Messages received but not yet scored before ingest waits (back-pressure to the broker). Default 1024.</summary>
    [Range(1, 1_000_000)]
    public int IngestCapacity { get; set; } = 1024;

    /// <summary>
    /// Payments answered and not yet recorded before scoring waits (and intake with it). The answers never wait for the
    /// device; this is how far it may fall behind first, so it is sized to cover the longest flush stall at the busiest
    /// rate: 2.2 s (the longest seen on the nodes' devices) at 5,000 payments/s is 11,000. A payment waiting here holds
    /// its outcome in memory (of the order of a kilobyte) and about half a kilobyte of the answer journal. Default 16,384.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RecordBacklog { get; set; } = 16_384;

    /// <summary>
    /// Answers of the most recent payments kept in memory for retries; must exceed what can be in flight between
    /// scoring and commit (it is checked at start). Default 20,000.
    /// </summary>
    [Range(1000, 10_000_000)]
    public int DuplicateMemory { get; set; } = 20_000;

    /// <summary>
    /// How long a payment is recognised as a duplicate, in hours: a retry or redelivery within it gets the first
    /// answer. Memory grows with it, about 40 bytes per payment in the window (48 h at 10 payments/s: 70 MB).
    /// Default 48.
    /// </summary>
    [Range(0.01, 8760)]
    public double DeduplicationWindowHours { get; set; } = 48;

    /// <summary>
    /// How long after it changes a card's or merchant's state is snapshotted, in seconds. Until then the outcomes recorded
    /// anyway are its journal, so a card that pays several times meanwhile is written once; snapshots go a few at a time
    /// with each batch, never all at once, and a start replays only the outcomes after what they cover. Default 30.
    /// </summary>
    [Range(0.1, 3600)]
    public double StateSnapshotSeconds { get; set; } = 30;

    /// <summary>
    /// Card histories held in memory (a few hundred bytes each); the least recently paying leave once persisted, and are
    /// read again, ahead of the scoring loop, when their card pays again. Default 200,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxCardsInMemory { get; set; } = 200_000;

    /// <summary>Merchant activities held in memory (about 1.5 KB each); the least recently paid leave once persisted. Default 50,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxMerchantsInMemory { get; set; } = 50_000;

    /// <summary>
    /// Most payments remembered for duplicate detection (about 60 bytes each): past it, the oldest leave the window early, and
    /// a repeat of one of those would be scored as new (counted as <c>edgeagent_duplicates_evicted_total</c>). Default
    /// 1,000,000: a 48-hour window at about 5 payments a second, about 60 MB.
    /// </summary>
    [Range(1000, 100_000_000)]
    public int MaxDuplicateKeys { get; set; } = 1_000_000;

    /// <summary>
    /// Crashes a message may be part of before it is refused as <c>poison_message</c> and acknowledged, so that no message
    /// keeps the agent in a crash loop. A message in an earlier crash is scored alone, so only the guilty one reaches this.
    /// Default 3.
    /// </summary>
    [Range(1, 100)]
    public int PoisonCrashLimit { get; set; } = 3;

    /// <summary>
    /// Dead letters kept per sender (client id, or store and terminal) per second, with <see cref="DeadLetterBurst"/> at once:
    /// past it, refusals are still answered and counted, but not kept. Default 10.
    /// </summary>
    [Range(0, 100_000)]
    public double DeadLettersPerSecond { get; set; } = 10;

    /// <summary>Dead letters a sender may have kept at once before <see cref="DeadLettersPerSecond"/> applies. Default 100.</summary>
    [Range(0, 1_000_000)]
    public int DeadLetterBurst { get; set; } = 100;

    /// <summary>
    /// How long the record may be unwritable for a reason other than a full disk (the data folder gone, read-only) before the
    /// agent gives up and exits with an error, in seconds. A full disk pauses intake for as long as it lasts. Default 60.
    /// </summary>
    [Range(1, 86_400)]
    public double StoreUnavailableGraceSeconds { get; set; } = 60;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Every payment between scoring and commit must still have its answer in memory, or a retry arriving
        // before the first commit could be scored twice. The backlog admits a whole batch while it is under its bound.
        var inFlight = IngestCapacity + RecordBacklog + MaxBatchSize;
        if (DuplicateMemory < inFlight)
        {
            yield return new ValidationResult(
                $"Pipeline:DuplicateMemory ({DuplicateMemory}) must be at least the payments that can be in flight ({inFlight}).",
                [nameof(DuplicateMemory)]);
        }
    }
}
