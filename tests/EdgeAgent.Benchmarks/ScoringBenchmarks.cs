using BenchmarkDotNet.Attributes;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx;

namespace EdgeAgent.Benchmarks;

/// <summary>
/// One model run through the agent's scorer (OrtValue API, reused buffers, one intra-op thread, CPU), and the reason
/// codes of one row after it: what an alert (review or decline) costs on top of its score.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private OnnxScorer _scorer = null!;
    private float[] _scores = [];
    private readonly Reason[] _reasons = new Reason[3];

    [Params("fraud-gbt-1.0.0", "fraud-mlp-1.0.0")]
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

    /// <summary>The reasons of the first row of the batch just scored (tree paths for the trees, occlusion for the MLP).</summary>
    [Benchmark]
    public int ScoreAndExplainFirstRow()
    {
        _scorer.Score(Rows, _scores);
        return _scorer.Explain(0, _reasons);
    }
}
