using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Core.Pipeline;

/// <summary>Shape of the scoring pipeline (configuration section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions
{
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

    /// <summary>Messages received but not yet scored before ingest waits (back-pressure to the broker). Default 1024.</summary>
    [Range(1, 1_000_000)]
    public int IngestCapacity { get; set; } = 1024;

    /// <summary>Scored batches waiting for the store before scoring waits. Default 64.</summary>
    [Range(1, 10_000)]
    public int RecordCapacity { get; set; } = 64;

    /// <summary>Recent payment keys remembered in memory for duplicate detection; older ones are looked up in the store. Default 100,000.</summary>
    [Range(1, 10_000_000)]
    public int DuplicateMemory { get; set; } = 100_000;

    /// <summary>Card histories held in memory; the rest are read from the store when their card pays again. Default 200,000.</summary>
    [Range(1, 100_000_000)]
    public int MaxCardsInMemory { get; set; } = 200_000;
}
