using EdgeAgent.Onnx;

namespace EdgeAgent.IntegrationTests.Telemetry;

/// <summary>ONNX Runtime's errors, as its CUDA provider gives them, said in one line for the anonymous status page.</summary>
public sealed class ProviderFailureTests
{
    // What ONNX Runtime 1.23 says on a machine without CUDA 13 (taken from `EdgeAgent selfcheck Inference:Provider=Auto`).
    private const string MissingCublas =
        "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:2043 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() "
        + "[ONNXRuntimeError] : 1 : FAIL : Failed to load library /opt/edgeagent/bin/Release/net10.0/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so "
        + "with error: libcublasLt.so.13: cannot open shared object file: No such file or directory";

    [Fact]
    public void MissingLibrary_IsNamedAlone()
    {
        Assert.Equal("libcublasLt.so.13 not found", ProviderFailure.Summarize(MissingCublas));
        Assert.Equal("libcudnn.so.9 not found", ProviderFailure.Summarize("error: /usr/lib/x86_64-linux-gnu/libcudnn.so.9: cannot open shared object file\nmore"));
    }

    [Fact]
    public void OtherErrors_KeepTheirFirstLine_WithEveryPathCutToItsFileName()
    {
        var summary = ProviderFailure.Summarize(
            "[ErrorCode:RuntimeException] /onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:129 std::conditional_t<THRW, void, common::Status> onnxruntime::CudaCall() "
            + "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : CUDA failure 100: no CUDA-capable device is detected ; file=/onnxruntime_src/cuda_execution_provider.cc ; line=282\nstack");

        Assert.Equal("CUDA failure 100: no CUDA-capable device is detected ; file=cuda_execution_provider.cc ; line=282", summary);
        Assert.Equal("Failed to load libonnxruntime_providers_cuda.so", ProviderFailure.Summarize("Failed to load /opt/edgeagent/runtimes/libonnxruntime_providers_cuda.so"));
        Assert.Equal(160, ProviderFailure.Summarize(new string('x', 400)).Length);
    }
}
