using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions on the configured execution provider. <c>Auto</c> tries CUDA and falls back to
/// the CPU: in C# the CUDA provider throws <see cref="OnnxRuntimeException"/> when it is appended or the session
/// is created without usable CUDA libraries, so that is where the fallback happens. The list of providers
/// compiled into the library is not enough: it names CUDA even on a machine with no GPU.
/// </summary>
public static class SessionFactory
{
    private const string CudaProviderName = "CUDAExecutionProvider";
    private const string TensorRtProviderName = "TensorrtExecutionProvider";

    public static (InferenceSession Session, ProviderChoice Provider) Create(string modelPath, InferenceOptions options) =>
        Create(File.ReadAllBytes(modelPath), options);

    /// <summary>A session over the model's bytes as they were checked, so that a file changed meanwhile is not what runs.</summary>
    public static (InferenceSession Session, ProviderChoice Provider) Create(byte[] model, InferenceOptions options)
    {
        switch (options.Provider)
        {
            case ExecutionProvider.Cpu:
                return (CreateOnCpu(model, options), new ProviderChoice("CPU", "configured"));
            case ExecutionProvider.Cuda:
                return (CreateOnGpu(model, options, tensorRt: false), new ProviderChoice("CUDA", "configured", Placement(model, options, tensorRt: false)));
            case ExecutionProvider.TensorRt:
                return (CreateOnGpu(model, options, tensorRt: true), new ProviderChoice("TensorRT", "configured", Placement(model, options, tensorRt: true)));
            default:
                if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName))
                {
                    return (CreateOnCpu(model, options), new ProviderChoice("CPU", "Auto: this ONNX Runtime build has no CUDA provider"));
                }

                try
                {
                    var session = CreateOnGpu(model, options, tensorRt: false);
                    return (session, new ProviderChoice("CUDA", $"Auto: CUDA device {options.DeviceId} is usable", Placement(model, options, tensorRt: false)));
                }
                catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException or DllNotFoundException)
                {
                    return (CreateOnCpu(model, options), new ProviderChoice("CPU", "Auto: CUDA unavailable: " + ProviderFailure.Summarize(ex.Message), Detail: ex.Message));
                }
        }
    }

    /// <summary>Provider names compiled into the loaded ONNX Runtime library.</summary>
    public static IReadOnlyList<string> CompiledProviders() => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>
    /// Which operators the GPU provider leaves on the CPU: a second session that forbids falling back to the CPU
    /// fails exactly when some do, and says which; INT8 operators on CUDA are named as the usual cause.
    /// </summary>
    private static string? Placement(byte[] model, InferenceOptions options, bool tensorRt)
    {
        var quantized = QuantizedOperators.In(model);
        string? refused = null;
        try
        {
            using var probe = CreateOnGpu(model, options, tensorRt, disableCpuFallback: true);
        }
        catch (OnnxRuntimeException ex)
        {
            refused = ProviderFailure.Summarize(ex.Message);
        }

        if (refused is null)
        {
            return null;
        }

        return quantized.Count > 0 && !tensorRt
            ? $"INT8 operators ({string.Join(", ", quantized)}) have no CUDA kernels and run on the CPU with copies between devices; use TensorRt or the float model ({refused})"
            : "some operators run on the CPU: " + refused;
    }

    private static InferenceSession CreateOnGpu(byte[] model, InferenceOptions options, bool tensorRt, bool disableCpuFallback = false)
    {
        var providerName = tensorRt ? TensorRtProviderName : CudaProviderName;
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(providerName))
        {
            throw new InvalidOperationException($"this ONNX Runtime build has no {providerName}");
        }

        using var sessionOptions = BaseOptions(options);
        if (disableCpuFallback)
        {
            sessionOptions.AddSessionConfigEntry("session.disable_cpu_ep_fallback", "1");
        }

        if (tensorRt)
        {
            sessionOptions.AppendExecutionProvider_Tensorrt(options.DeviceId);
        }

        using var cuda = new OrtCUDAProviderOptions();
        var settings = new Dictionary<string, string> { ["device_id"] = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (options.GpuMemoryLimitMb > 0)
        {
            settings["gpu_mem_limit"] = (options.GpuMemoryLimitMb * 1024L * 1024L).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        cuda.UpdateOptions(settings);
        sessionOptions.AppendExecutionProvider_CUDA(cuda);
        return new InferenceSession(model, sessionOptions);
    }

    private static InferenceSession CreateOnCpu(byte[] model, InferenceOptions options)
    {
        using var sessionOptions = BaseOptions(options);
        return new InferenceSession(model, sessionOptions);
    }

    private static SessionOptions BaseOptions(InferenceOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
        };

        // Idle scoring threads would otherwise spin, burning a core of a small edge box between payments.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return sessionOptions;
    }
}
