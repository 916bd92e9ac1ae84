namespace EdgeAgent.Simulator.Pipelines;

/// <summary>One optimization of the edge agent, as the agent settings that undo or change it; or why it cannot run here.</summary>
public sealed record AblationVariant(string Name, IReadOnlyList<string> Settings, string? NotRun = null)
{
    public string Describe() => Settings.Count == 0 ? "as shipped" : string.Join(' ', Settings);
}
