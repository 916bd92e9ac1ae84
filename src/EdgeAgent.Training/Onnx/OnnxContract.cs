using EdgeAgent.Core.Scoring;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Training.Onnx;

/// <summary>The input and output of a model as ONNX Runtime sees them; a model card copies these.</summary>
public sealed record OnnxContract(string InputName, long[] InputShape, string OutputName, long[] OutputShape)
{
    public static OnnxContract Read(InferenceSession session)
    {
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
        {
            throw new InvalidOperationException(
                $"The agent feeds one input and reads one output; the model has inputs [{string.Join(", ", session.InputMetadata.Keys)}] "
                + $"and outputs [{string.Join(", ", session.OutputMetadata.Keys)}].");
        }

        var (inputName, input) = session.InputMetadata.Single();
        var (outputName, output) = session.OutputMetadata.Single();
        if (input.ElementType != typeof(float) || output.ElementType != typeof(float))
        {
            throw new InvalidOperationException($"The agent feeds and reads float32; the model has {input.ElementType} in, {output.ElementType} out.");
        }

        return new OnnxContract(
            inputName, [.. input.Dimensions.Select(d => (long)d)], outputName, [.. output.Dimensions.Select(d => (long)d)]);
    }

    public TensorSpec Input => new() { Name = InputName, Shape = InputShape };

    /// <summary>A [batch, 1] or [batch] output holds the probability in column 0.</summary>
    public OutputSpec Output => new() { Name = OutputName, Shape = OutputShape, ScoreColumn = 0 };

    public override string ToString() =>
        $"input {InputName} float32 [{string.Join(", ", InputShape)}], output {OutputName} float32 [{string.Join(", ", OutputShape)}]";
}
