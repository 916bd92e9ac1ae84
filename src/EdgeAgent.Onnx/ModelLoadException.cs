using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Onnx;

/// <summary>A model that may not score: its file, card, signature or graph disagrees with what the agent expects.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string model, IReadOnlyList<string> problems, string reason = ModelRefusalReasons.Invalid)
        : base($"Model '{model}' refused: " + string.Join("; ", problems))
    {
        Model = model;
        Problems = problems;
        Reason = reason;
    }

    public ModelLoadException(string model, string problem, Exception inner, string reason = ModelRefusalReasons.Invalid)
        : base($"Model '{model}' refused: {problem}", inner)
    {
        Model = model;
        Problems = [problem];
        Reason = reason;
    }

    public ModelLoadException()
        : this("(unknown)", [])
    {
    }

    public ModelLoadException(string message)
        : this("(unknown)", [message])
    {
    }

    public ModelLoadException(string message, Exception inner)
        : this("(unknown)", message, inner)
    {
    }

    public string Model { get; }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>The first reason that refused it, as a <see cref="ModelRefusalReasons"/> tag.</summary>
    public string Reason { get; }
}
