namespace EdgeAgent.Core.Scoring;

/// <summary>Name and version of a model, as every answer and record names it.</summary>
public sealed record ModelIdentity(string Name, string Version)
{
    /// <summary><c>name@version</c>.</summary>
    public override string ToString() => $"{Name}@{Version}";
}
