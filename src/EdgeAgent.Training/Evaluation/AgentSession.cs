using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Training.Evaluation;

/// <summary>
/// A CPU session with the settings the agent uses (EdgeAgent.Onnx.SessionFactory): one intra-op thread,
/// sequential execution, all graph optimizations, no spinning between calls. Speeds measured with other
/// settings would not be the agent's.
/// </summary>
internal static class AgentSession
{
    public static InferenceSession Create(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new InferenceSession(model, options);
    }
}
