namespace EdgeAgent.Onnx;

/// <summary>Which ONNX Runtime execution provider scores.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when the node has a usable GPU, else the CPU (with one log line saying why).</summary>
    Auto = 0,

    /// <summary>The CPU provider.</summary>
    Cpu = 1,

    /// <summary>The CUDA provider; the agent refuses to start when it is not usable.</summary>
    Cuda = 2,

    /// <summary>The TensorRT provider (INT8 on GPUs); refuses to start when not usable.</summary>
    TensorRt = 3,
}
