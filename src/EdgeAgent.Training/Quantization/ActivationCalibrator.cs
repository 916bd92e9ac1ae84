using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace EdgeAgent.Training.Quantization;

/// <summary>
/// Measures the range of each activation that static quantization fixes ahead of time. The float model is
/// run in ONNX Runtime on the calibration rows with those tensors added as graph outputs (as ONNX Runtime's
/// own calibrators do), with graph optimizations off so that every tensor is computed as the graph says.
/// </summary>
internal static class ActivationCalibrator
{
    private const int BatchRows = 1024;

    public static Dictionary<string, ActivationRange> Measure(ModelProto model, IReadOnlyCollection<string> tensors, FeatureMatrix rows, QuantizerSettings settings, string source)
    {
        if (rows.Rows == 0)
        {
            throw new QuantizationException("Static quantization needs calibration rows; there are none.");
        }

        var index = new GraphIndex(model.Graph);
        var input = SingleFeatureInput(model, index, source);
        var computed = tensors.Where(t => !index.Inputs.Contains(t)).ToArray();
        var samples = tensors.ToDictionary(t => t, _ => new List<float>(), StringComparer.Ordinal);

        var augmented = model.Clone();
        foreach (var tensor in computed.Where(t => !index.IsGraphOutput(t)))
        {
            augmented.Graph.Output.Add(OnnxNodes.FloatTensorOfAnyShape(tensor));
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        using var session = new InferenceSession(augmented.ToByteArray(), options);
        using var runOptions = new RunOptions();
        for (var start = 0; start < rows.Rows; start += BatchRows)
        {
            var count = Math.Min(BatchRows, rows.Rows - start);
            var batch = rows.RowMemory(start, count);
            if (index.Inputs.Contains(input) && samples.TryGetValue(input, out var inputSamples))
            {
                inputSamples.AddRange(batch.Span);
            }

            if (computed.Length == 0)
            {
                continue;
            }

            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch, [count, FeatureMatrix.Width]);
            using var outputs = session.Run(runOptions, [input], [value], computed);
            for (var i = 0; i < computed.Length; i++)
            {
                samples[computed[i]].AddRange(outputs[i].GetTensorDataAsSpan<float>());
            }
        }

        return samples.ToDictionary(s => s.Key, s => RangeOf(s.Key, s.Value, settings), StringComparer.Ordinal);
    }

    private static ActivationRange RangeOf(string tensor, List<float> values, QuantizerSettings settings)
    {
        if (values.Count == 0)
        {
            return new ActivationRange(tensor, 0, 0);
        }

        if (settings.Method == CalibrationMethod.MinMax)
        {
            return new ActivationRange(tensor, values.Min(), values.Max());
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var upper = (int)Math.Ceiling(settings.Percentile / 100 * (sorted.Length - 1));
        var lower = (int)Math.Floor((1 - (settings.Percentile / 100)) * (sorted.Length - 1));
        return new ActivationRange(tensor, sorted[Math.Clamp(lower, 0, sorted.Length - 1)], sorted[Math.Clamp(upper, 0, sorted.Length - 1)]);
    }

    /// <summary>Calibration rows are feature vectors, so the model must take exactly one input of [batch, 22] floats.</summary>
    private static string SingleFeatureInput(ModelProto model, GraphIndex index, string source)
    {
        if (index.Inputs.Count != 1)
        {
            throw new QuantizationException($"{source}: the model has {index.Inputs.Count} inputs ({string.Join(", ", index.Inputs)}); calibration feeds one input of feature rows.");
        }

        var name = index.Inputs.Single();
        var dims = model.Graph.Input.Single(i => i.Name == name).Type.TensorType.Shape?.Dim;
        var width = dims is { Count: 2 } ? dims[1] : null;
        if (width is null || (width.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && width.DimValue != FeatureMatrix.Width))
        {
            throw new QuantizationException(
                $"{source}: input '{name}' has shape [{(dims is null ? "unknown" : string.Join(", ", dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam)))}]; calibration feeds rows of {FeatureMatrix.Width} features, [batch, {FeatureMatrix.Width}].");
        }

        return name;
    }
}
