namespace EdgeAgent.Simulator.Pipelines;

/// <summary>The ablation's variants: the shipped agent first (the base of every delta), then each optimization undone or changed.</summary>
public static class AblationVariants
{
    public static IReadOnlyList<AblationVariant> For(EvaluationOptions options)
    {
        var gpu = File.Exists("/dev/nvidia0") || Directory.Exists("/proc/driver/nvidia/gpus");
        return
        [
            new("shipped", []),
            new("micro-batching off", ["--Pipeline:MaxBatchSize=1"]),
            new("group commit 1", ["--Pipeline:MaxCommitBatch=1"]),
            new("group commit 16", ["--Pipeline:MaxCommitBatch=16"]),
            options.QuantizedModel is { Length: > 0 } quantized
                ? new("int8 model", [$"--Inference:Model={quantized}"])
                : new("int8 model", [], "the models folder ships float models only (fraud-gbt, fraud-mlp); give --Evaluation:QuantizedModel=<card name> of an int8 model made by the training tool's quantize command"),
            gpu
                ? new("CUDA", ["--Inference:Provider=Cuda"])
                : new("CUDA", ["--Inference:Provider=Cuda"], "no GPU on this machine"),
            new("pre-redesign agent (more hops)", [], "needs the agent from before the hot-path redesign built from another checkout; not part of this command"),
        ];
    }
}
