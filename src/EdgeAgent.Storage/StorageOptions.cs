using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Storage;

/// <summary>Where the agent keeps its data (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Data folder: the LiteDB file and, unless configured elsewhere, the tokenization key. Default <c>data</c> (relative to the working folder); <c>/data</c> in the container.</summary>
    [Required]
    public string Path { get; set; } = "data";

    /// <summary>Database file name inside the data folder. Default <c>edgeagent.db</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9_.-]+$")]
    public string FileName { get; set; } = "edgeagent.db";

    /// <summary>
    /// With no cloud (<c>Cloud:Transport=None</c>), how long outcomes stay on the node, in hours; never less than the
    /// deduplication window. With a cloud, an outcome goes once the cloud has it and the window has passed. Default
    /// 168 (7 days).
    /// </summary>
    [Range(1, 87_600)]
    public double RetentionHours { get; set; } = 168;

    /// <summary>
    /// Free space the data folder's device must keep, in megabytes: below it, commits stop before the device is full (intake
    /// pauses, readiness fails, nothing is acknowledged) and resume by themselves once space is freed. Default 64.
    /// </summary>
    [Range(0, 1_000_000)]
    public double MinFreeMegabytes { get; set; } = 64;

    /// <summary>
    /// Size of the answer journal (answers written ahead of the record, so a crash between answer and commit loses nothing), in
    /// megabytes. It must hold every answered, not yet committed batch; a payment takes about half a kilobyte. Default 16.
    /// </summary>
    [Range(1, 4096)]
    public int AnswerJournalMegabytes { get; set; } = 16;

    /// <summary>
    /// How many pages LiteDB's write-ahead log may grow to before a commit also checkpoints it into the data file (LiteDB's
    /// CHECKPOINT pragma, 1,000 by its default). The checkpoint runs inside that commit, so it holds up that group's
    /// acknowledgements, and the broker's in-flight window with them: small, frequent checkpoints keep the stall short.
    /// Default 100 (800 KB of log).
    /// </summary>
    [Range(1, 100_000)]
    public int CheckpointPages { get; set; } = 100;

    /// <summary>The database file.</summary>
    public string DatabaseFile => System.IO.Path.Combine(Path, FileName);

    /// <summary>LiteDB's write-ahead log beside the database file (<c>edgeagent-log.db</c>).</summary>
    public string LogFile => System.IO.Path.Combine(Path, System.IO.Path.GetFileNameWithoutExtension(FileName) + "-log" + System.IO.Path.GetExtension(FileName));

    /// <summary>The answer journal file.</summary>
    public string AnswerJournalFile => System.IO.Path.Combine(Path, "answers.journal");

    /// <summary>The poison ledger file.</summary>
    public string PoisonLedgerFile => System.IO.Path.Combine(Path, "processing.ledger");
}
