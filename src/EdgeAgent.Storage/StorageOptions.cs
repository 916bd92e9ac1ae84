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

    /// <summary>The database file.</summary>
    public string DatabaseFile => System.IO.Path.Combine(Path, FileName);
}
