using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Onnx.Explanation;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Onnx;

/// <summary>
/// Scores batches with one ONNX Runtime session through the OrtValue API. Input and output buffers are
/// allocated once at the largest batch size; the tensors that view them, and an I/O binding over the two, are made
/// once per batch size and reused, so a run allocates nothing (the name-and-value overload of <c>Run</c> builds
/// native arrays on every call). Used by one scoring loop at a time. <see cref="Explain"/> splits a row of
/// the last batch into reasons with the model itself: tree path contributions for a tree ensemble whose file
/// carries its training covers, occlusion against the card's training medians for any other model.
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
    private readonly OrtIoBinding?[] _bindings;
    private readonly float[] _contributions = new float[FeatureSchema.Count];
    private IExplainer? _explainer;
    private float[] _typical = [];
    private int _lastRows;

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
        _bindings = new OrtIoBinding?[maxBatchSize + 1];
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

    /// <summary>How <see cref="Explain"/> computes reasons; null when this model gives none.</summary>
    public string? ExplanationMethod => _explainer?.Method;

    public Span<float> InputRows(int rows) => _input.AsSpan(0, rows * FeatureSchema.Count);

    public void Score(int rows, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxBatchSize);
        _lastRows = 0;
        _session.RunWithBinding(_runOptions, BindingFor(rows));
        for (var i = 0; i < rows; i++)
        {
            scores[i] = _output[(i * _outputColumns) + _scoreColumn];
        }

        _lastRows = rows;
    }

    public int Explain(int row, Span<Reason> reasons)
    {
        if (_explainer is null || (uint)row >= (uint)_lastRows)
        {
            return 0;
        }

        var features = _input.AsSpan(row * FeatureSchema.Count, FeatureSchema.Count);
        _explainer.Contributions(features, _contributions);
        return ReasonCodes.Top(_contributions, features, _typical, reasons);
    }

    /// <summary>
    /// Every feature's contribution (log-odds) to row <paramref name="row"/> of the last batch, and the part no
    /// feature owns; for trees the two add up to the model's margin. False when the model gives no explanation.
    /// </summary>
    public bool Contributions(int row, Span<float> contributions, out double rest)
    {
        rest = 0;
        if (_explainer is null || (uint)row >= (uint)_lastRows)
        {
            return false;
        }

        rest = _explainer.Contributions(_input.AsSpan(row * FeatureSchema.Count, FeatureSchema.Count), contributions);
        return true;
    }

    /// <summary>Sets how reasons are computed (at load, before the first batch).</summary>
    internal void UseExplainer(IExplainer? explainer, float[]? typical)
    {
        _explainer = explainer;
        _typical = typical ?? [];
    }

    /// <summary>The session, for an explainer that scores with the model itself.</summary>
    internal InferenceSession Session => _session;

    internal bool OutputIsVector => _outputIsVector;

    internal int OutputColumns => _outputColumns;

    public void Dispose()
    {
        foreach (var binding in _bindings)
        {
            binding?.Dispose();
        }

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

        _explainer?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private OrtIoBinding BindingFor(int rows)
    {
        if (_bindings[rows] is { } bound)
        {
            return bound;
        }

        var binding = _session.CreateIoBinding();
        binding.BindInput(_inputNames[0], InputFor(rows)[0]);
        binding.BindOutput(_outputNames[0], OutputFor(rows)[0]);
        return _bindings[rows] = binding;
    }

    private OrtValue[] InputFor(int rows) =>
        (_inputValues[rows] ??= [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            _input.AsMemory(0, rows * FeatureSchema.Count), [rows, FeatureSchema.Count])])!;

    private OrtValue[] OutputFor(int rows) =>
        (_outputValues[rows] ??= [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            _output.AsMemory(0, rows * _outputColumns), _outputIsVector ? [rows] : [rows, _outputColumns])])!;
}
