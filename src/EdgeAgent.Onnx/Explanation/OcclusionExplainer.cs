using EdgeAgent.Core.Features;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Onnx.Explanation;

/// <summary>
/// Contributions of any model, computed by the model itself: the row and one copy of it per feature with that
/// feature set to its typical value (the training months' median, from the card) are scored in one extra batch,
/// and a feature's contribution is how far the log-odds fall when it takes its typical value. For a model that is
/// linear in log-odds this is exactly each feature's term; for the MLP it is what the model says it would do
/// without that feature's unusual value. Buffers and tensors are made once, so an explanation allocates nothing.
/// </summary>
internal sealed class OcclusionExplainer : IExplainer
{
    private const double Epsilon = 1e-7;

    private readonly InferenceSession _session;
    private readonly float[] _baseline;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly int _outputColumns;
    private readonly int _scoreColumn;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputValue;
    private readonly OrtValue[] _outputValue;
    private readonly RunOptions _runOptions = new();

    public OcclusionExplainer(InferenceSession session, string inputName, string outputName, bool outputIsVector, int outputColumns, int scoreColumn, float[] baseline)
    {
        var width = FeatureSchema.Count;
        var rows = width + 1;
        _session = session;
        _baseline = baseline;
        _outputColumns = outputColumns;
        _scoreColumn = scoreColumn;
        _input = new float[rows * width];
        _output = new float[rows * outputColumns];
        _inputNames = [inputName];
        _outputNames = [outputName];
        _inputValue = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(), [rows, width])];
        _outputValue = [OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _output.AsMemory(), outputIsVector ? [rows] : [rows, outputColumns])];
    }

    public string Method => "occlusion against the training median, scored by the model";

    public double Contributions(ReadOnlySpan<float> row, Span<float> contributions)
    {
        var width = FeatureSchema.Count;
        for (var r = 0; r <= width; r++)
        {
            var copy = _input.AsSpan(r * width, width);
            row.CopyTo(copy);
            if (r > 0)
            {
                copy[r - 1] = _baseline[r - 1];
            }
        }

        _session.Run(_runOptions, _inputNames, _inputValue, _outputNames, _outputValue);
        var margin = Logit(_output[_scoreColumn]);
        for (var f = 0; f < width; f++)
        {
            contributions[f] = (float)(margin - Logit(_output[((f + 1) * _outputColumns) + _scoreColumn]));
        }

        return margin;
    }

    public void Dispose()
    {
        _inputValue[0].Dispose();
        _outputValue[0].Dispose();
        _runOptions.Dispose();
    }

    private static double Logit(float p)
    {
        var q = Math.Clamp(p, Epsilon, 1 - Epsilon);
        return Math.Log(q / (1 - q));
    }
}
