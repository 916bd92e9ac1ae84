namespace EdgeAgent.Onnx;

/// <summary>A model that may not score: its file, card or graph disagrees with what the agent expects.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string model, IReadOnlyList<string> problems)
        : base($"Model '{model}' refused: " + string.Join("; ", problems))
    {
        Model = model;
        Problems = problems;
    }

    public ModelLoadException(string model, string problem, Exception inner)
        : base($"Model '{model}' refused: {problem}", inner)
    {
        Model = model;
        Problems = [problem];
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
}
