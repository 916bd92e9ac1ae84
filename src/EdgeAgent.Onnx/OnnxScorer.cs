using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Onnx;

/// <summary>
/// Scores batches with one ONNX Runtime session through the OrtValue API. Input and output buffers are
/// allocated once at the largest batch size; the tensors that view them are made once per batch size and
/// reused, so a run allocates nothing. Used by one scoring loop at a time.
/// </summary>
public sealed class OnnxScorer : IScorer, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly int _outputColumns;
    private readonly int _scoreColumn;
    private readonly bool _outputIsVector;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue?[][] _inputValues;
    private readonly OrtValue?[][] _outputValues;

    internal OnnxScorer(InferenceSession session, ModelCard card, ProviderChoice provider, int maxBatchSize, string path)
    {
        _session = session;
        Card = card;
        Provider = provider;
        Path = path;
        MaxBatchSize = maxBatchSize;
        _outputIsVector = card.Output.Shape.Length == 1;
        _outputColumns = _outputIsVector ? 1 : (int)card.Output.Shape[1];
        _scoreColumn = card.Output.ScoreColumn;
        _input = new float[maxBatchSize * FeatureSchema.Count];
        _output = new float[maxBatchSize * _outputColumns];
        _inputNames = [card.Input.Name];
        _outputNames = [card.Output.Name];
        _inputValues = new OrtValue?[maxBatchSize + 1][];
        _outputValues = new OrtValue?[maxBatchSize + 1][];
        Thresholds = card.Thresholds.AsThresholds;
    }

    public ModelCard Card { get; }

    public ModelIdentity Model => Card.Identity;

    public DecisionThresholds Thresholds { get; }

    public int MaxBatchSize { get; }

    /// <summary>The execution provider in use and why.</summary>
    public ProviderChoice Provider { get; }

    /// <summary>The ONNX file.</summary>
    public string Path { get; }

    public Span<float> InputRows(int rows) => _input.AsSpan(0, rows * FeatureSchema.Count);

    public void Score(int rows, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxBatchSize);
        _session.Run(_runOptions, _inputNames, InputFor(rows), _outputNames, OutputFor(rows));
        for (var i = 0; i < rows; i++)
        {
            scores[i] = _output[(i * _outputColumns) + _scoreColumn];
        }
    }

    public void Dispose()
    {
        foreach (var values in _inputValues.Concat(_outputValues))
        {
            if (values is not null)
            {
                foreach (var value in values)
                {
                    value?.Dispose();
                }
            }
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    private OrtValue[] InputFor(int rows) =>
        (_inputValues[rows] ??= [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            _input.AsMemory(0, rows * FeatureSchema.Count), [rows, FeatureSchema.Count])])!;

    private OrtValue[] OutputFor(int rows) =>
        (_outputValues[rows] ??= [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            _output.AsMemory(0, rows * _outputColumns), _outputIsVector ? [rows] : [rows, _outputColumns])])!;
}
