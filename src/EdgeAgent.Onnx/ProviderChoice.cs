namespace EdgeAgent.Onnx;

/// <summary>The execution provider a model actually runs on, and why: reported in the status and the logs.</summary>
/// <param name="Name">CPU, CUDA or TensorRT.</param>
/// <param name="Reason">Why this one, in one line without a file path: configured, or what Auto found. Shown on the anonymous status page.</param>
/// <param name="Placement">On a GPU provider, the operators that still run on the CPU (with copies in between); else null.</param>
/// <param name="Detail">When Auto fell back, ONNX Runtime's whole error (with the agent's install paths): for the log only; else null.</param>
public sealed record ProviderChoice(string Name, string Reason, string? Placement = null, string? Detail = null);
