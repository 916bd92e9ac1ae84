namespace EdgeAgent.Simulator.Pipelines;

/// <summary>The ablation's variants: the shipped agent first (the base of most deltas), then each optimization undone or changed.</summary>
public static class AblationVariants
{
    private const string FloatMlp = "fraud-mlp-1.0.0";

    public static IReadOnlyList<AblationVariant> For(EvaluationOptions options)
    {
        var gpu = File.Exists("/dev/nvidia0") || Directory.Exists("/proc/driver/nvidia/gpus");
        var variants = new List<AblationVariant>
        {
            new("shipped", []),
            new("micro-batching off", ["--Pipeline:MaxBatchSize=1"]),
            new("group commit 1", ["--Pipeline:MaxCommitBatch=1"]),
            new("group commit 16", ["--Pipeline:MaxCommitBatch=16"]),
        };
        variants.AddRange(Quantized(options));
        variants.Add(gpu
            ? new("CUDA", ["--Inference:Provider=Cuda"])
            : new("CUDA", ["--Inference:Provider=Cuda"], "no GPU on this machine"));
        variants.Add(options.PreRedesignAgent is { Length: > 0 } previous
            ? new("pre-redesign agent (more hops)", [], AgentDll: previous)
            : new("pre-redesign agent (more hops)", [], "give --Evaluation:PreRedesignAgent=<EdgeAgent.dll> of a build from before the hot-path redesign"));
        return variants;
    }

    /// <summary>
    /// The int8 model against its float twin, on the build whose models folder holds it: this one's, or else the
    /// pre-redesign build's (an int8 model of an older feature schema loads only there).
    /// </summary>
    private static IEnumerable<AblationVariant> Quantized(EvaluationOptions options)
    {
        if (options.QuantizedModel is not { Length: > 0 } quantized)
        {
            yield return new("int8 model", [], "the models folder ships float models only (fraud-gbt, fraud-mlp); give --Evaluation:QuantizedModel=<card name> of an int8 model");
            yield break;
        }

        string? build = null;
        if (!HasModel(AppContext.BaseDirectory, quantized))
        {
            build = options.PreRedesignAgent is { Length: > 0 } previous && HasModel(Path.GetDirectoryName(Path.GetFullPath(previous))!, quantized) ? previous : null;
            if (build is null)
            {
                yield return new("int8 model", [], $"{quantized} is in no models folder of the agents given");
                yield break;
            }
        }

        var suffix = build is null ? "" : ", pre-redesign build";
        yield return new("float MLP" + suffix, [$"--Inference:Model={FloatMlp}"], AgentDll: build);
        yield return new("int8 MLP" + suffix, [$"--Inference:Model={quantized}"], AgentDll: build, Against: "float MLP" + suffix);
    }

    private static bool HasModel(string agentFolder, string card) => File.Exists(Path.Combine(agentFolder, "models", card + ".card.json"));
}
