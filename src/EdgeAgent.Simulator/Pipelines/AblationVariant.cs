namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// One optimization of the edge agent, as the agent settings that undo or change it, or another build of the agent
/// (<paramref name="AgentDll"/>); or why it cannot run here. Its deltas are against <paramref name="Against"/>, the shipped
/// agent unless said otherwise (a quantized model against its float twin).
/// </summary>
public sealed record AblationVariant(string Name, IReadOnlyList<string> Settings, string? NotRun = null, string? AgentDll = null, string Against = "shipped")
{
    public string Describe() =>
        string.Join(' ', new[] { AgentDll is null ? null : $"agent {AgentDll}", Settings.Count == 0 ? null : string.Join(' ', Settings) }.OfType<string>()) is { Length: > 0 } text
            ? text
            : "as shipped";
}
