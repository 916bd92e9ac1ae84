using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Onnx;

/// <summary>Model and execution provider (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

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
}
