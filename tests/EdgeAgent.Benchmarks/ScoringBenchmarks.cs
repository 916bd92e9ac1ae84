using BenchmarkDotNet.Attributes;
using EdgeAgent.Onnx;

namespace EdgeAgent.Benchmarks;

/// <summary>One model run through the agent's scorer (OrtValue API, reused buffers, one intra-op thread, CPU).</summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private OnnxScorer _scorer = null!;
    private float[] _scores = [];

    [Params("fraud-gbt-1.0.0")]
    public string Model { get; set; } = "";

    [Params(1, 8, 64)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new InferenceOptions { Provider = ExecutionProvider.Cpu, MaxBatchSize = 64 };
        _scorer = ModelLoader.Load(ModelLoader.ResolveModelsPath("models"), Model, options);
        _scores = new float[64];
        var input = _scorer.InputRows(64);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (i % 22) * 0.5f;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark]
    public float Score()
    {
        _scorer.Score(Rows, _scores);
        return _scores[0];
    }
}
