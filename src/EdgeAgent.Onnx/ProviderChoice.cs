namespace EdgeAgent.Onnx;

/// <summary>The execution provider a model actually runs on, and why: reported in the status and the logs.</summary>
/// <param name="Name">CPU, CUDA or TensorRT.</param>
/// <param name="Reason">Why this one: configured, or what Auto found.</param>
/// <param name="Placement">On a GPU provider, the operators that still run on the CPU (with copies in between); else null.</param>
public sealed record ProviderChoice(string Name, string Reason, string? Placement = null);
