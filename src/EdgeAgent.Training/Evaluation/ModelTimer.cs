using System.Diagnostics;
using EdgeAgent.Training.Data;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Training.Evaluation;

/// <summary>
/// Times one model as the agent calls it: an agent-configured session, the OrtValue API, and input and
/// output tensors made once per batch size over buffers that are reused, so a call allocates nothing.
/// Each call copies the next rows of real feature vectors into the input buffer, as the agent does.
/// </summary>
internal sealed class ModelTimer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly FeatureMatrix _rows;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Dictionary<int, (float[] Input, OrtValue[] Inputs, OrtValue[] Outputs)> _batches = [];
    private int _next;

    public ModelTimer(byte[] model, FeatureMatrix rows)
    {
        if (rows.Rows == 0)
        {
            throw new ArgumentException("Timing needs feature rows.", nameof(rows));
        }

        _session = AgentSession.Create(model);
        _rows = rows;
        _inputNames = [_session.InputMetadata.Keys.Single()];
        _outputNames = [_session.OutputMetadata.Keys.Single()];
    }

    public void WarmUp(IEnumerable<int> batchSizes, int calls)
    {
        foreach (var batch in batchSizes)
        {
            for (var i = 0; i < calls; i++)
            {
                Call(batch);
            }
        }
    }

    /// <summary>Rows per second over calls at <paramref name="batch"/> for about <paramref name="seconds"/>.</summary>
    public double RowsPerSecond(int batch, double seconds)
    {
        var budget = (long)(seconds * Stopwatch.Frequency);
        long calls = 0;
        var start = Stopwatch.GetTimestamp();
        long elapsed;
        do
        {
            // Check the clock every 16 calls: reading it costs about as much as a small model's call.
            for (var i = 0; i < 16; i++)
            {
                Call(batch);
            }

            calls += 16;
            elapsed = Stopwatch.GetTimestamp() - start;
        }
        while (elapsed < budget);

        return calls * batch / (elapsed / (double)Stopwatch.Frequency);
    }

    /// <summary>Times <paramref name="calls"/> single-row calls one by one; returns the times in microseconds, sorted.</summary>
    public double[] SingleRowLatencies(int calls)
    {
        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Call(1);
            times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
        }

        Array.Sort(times);
        return times;
    }

    public void Dispose()
    {
        foreach (var (_, inputs, outputs) in _batches.Values)
        {
            foreach (var value in inputs.Concat(outputs))
            {
                value.Dispose();
            }
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Call(int batch)
    {
        var (input, inputs, outputs) = Buffers(batch);
        for (var r = 0; r < batch; r++)
        {
            _rows.Row(_next).CopyTo(input.AsSpan(r * FeatureMatrix.Width));
            _next = (_next + 1) % _rows.Rows;
        }

        _session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs);
    }

    private (float[] Input, OrtValue[] Inputs, OrtValue[] Outputs) Buffers(int batch)
    {
        if (!_batches.TryGetValue(batch, out var buffers))
        {
            var input = new float[batch * FeatureMatrix.Width];
            var output = new float[batch];
            buffers = (
                input,
                [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(), [batch, FeatureMatrix.Width])],
                [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(), [batch, 1])]);
            _batches[batch] = buffers;
        }

        return buffers;
    }
}
