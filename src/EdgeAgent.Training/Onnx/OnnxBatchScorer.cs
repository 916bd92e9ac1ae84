using EdgeAgent.Training.Data;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Training.Onnx;

/// <summary>
/// Scores feature matrices with an ONNX model in ONNX Runtime on the CPU, in batches, as the agent does.
/// Every metric in a card comes from here, so the card describes the file that ships, not ML.NET's copy.
/// </summary>
public sealed class OnnxBatchScorer : IDisposable
{
    public const int DefaultBatchSize = 4096;

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;

    public OnnxBatchScorer(byte[] model)
    {
        // One thread: evaluation is not the bottleneck, and a sequential run keeps results repeatable. All
        // graph optimizations, as the agent runs them: for a quantized model they fuse the QDQ pairs into
        // integer kernels, which changes the numbers a little, so the card must measure the fused graph.
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, _options);
        Contract = OnnxContract.Read(_session);
    }

    public OnnxContract Contract { get; }

    public float[] Score(FeatureMatrix matrix, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var scores = new float[matrix.Rows];
        using var runOptions = new RunOptions();
        for (var start = 0; start < matrix.Rows; start += batchSize)
        {
            var rows = Math.Min(batchSize, matrix.Rows - start);
            using var input = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, matrix.RowMemory(start, rows), [rows, FeatureMatrix.Width]);
            using var outputs = _session.Run(runOptions, [Contract.InputName], [input], [Contract.OutputName]);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            if (probabilities.Length != rows)
            {
                throw new InvalidOperationException($"The model returned {probabilities.Length} values for {rows} rows.");
            }

            probabilities.CopyTo(scores.AsSpan(start, rows));
        }

        return scores;
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
