using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Onnx;

/// <summary>Model and execution provider (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string SectionName = "Inference";

    /// <summary>The public key of the release's model signing key, shipped beside the models.</summary>
    public const string DefaultSigningKey = "models/model-signing.pub.pem";

    /// <summary>Folder of models and their cards. Relative paths resolve against the agent's folder first, then the working folder. Default <c>models</c>.</summary>
    [Required]
    public string ModelsPath { get; set; } = "models";

    /// <summary>The active model: the name of its card file without <c>.card.json</c>. Default <c>fraud-gbt-1.0.0</c>.</summary>
    [Required]
    public string Model { get; set; } = "fraud-gbt-1.0.0";

    /// <summary>
    /// A second model scored beside the active one on every batch, its score recorded next to the live one; it
    /// never decides. Unset (default): none. Costs one more model run per batch.
    /// </summary>
    public string? ShadowModel { get; set; }

    /// <summary>
    /// Public keys whose signatures on model cards the agent accepts: PEM files, or folders of <c>*.pem</c> files.
    /// Empty (default): <see cref="DefaultSigningKey"/>, the release's key. During a key rotation it names both keys.
    /// </summary>
    public List<string> ModelSigningKeys { get; set; } = [];

    /// <summary>Refuse a model whose card is not signed by a trusted key. Default true. A card that is signed is checked either way.</summary>
    public bool RequireSignedModels { get; set; } = true;

    /// <summary>Reload the active model when its files in the models folder change. Default true.</summary>
    public bool WatchModels { get; set; } = true;

    /// <summary><c>Auto</c> (default), <c>Cpu</c>, <c>Cuda</c> or <c>TensorRt</c>.</summary>
    public ExecutionProvider Provider { get; set; } = ExecutionProvider.Auto;

    /// <summary>GPU to use. Default 0.</summary>
    [Range(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>Cap on the CUDA memory arena, in MiB; 0 (default) leaves ONNX Runtime's default (no cap).</summary>
    [Range(0, 1_048_576)]
    public int GpuMemoryLimitMb { get; set; }

    /// <summary>
    /// Threads per model run. Default 1: the models are small, a run takes microseconds, and a second thread
    /// costs more in hand-off than it saves (measured: two threads halved tree throughput at batch 1).
    /// </summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Largest batch one model run takes; buffers are sized for it. Default 64.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>The configured key paths, or the shipped key when none is configured.</summary>
    public IReadOnlyList<string> SigningKeyPaths() =>
        ModelSigningKeys.Count > 0 ? ModelSigningKeys : [DefaultSigningKey];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Read at start so that a missing or wrong key stops the agent with the key named, not the first model switch.
        ModelLoadException? problem = null;
        try
        {
            using var trust = ModelTrust.From(this);
        }
        catch (ModelLoadException ex)
        {
            problem = ex;
        }

        if (problem is not null)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ModelSigningKeys)}: {string.Join("; ", problem.Problems)}", [nameof(ModelSigningKeys)]);
        }
    }
}
