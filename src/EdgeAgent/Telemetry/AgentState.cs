namespace EdgeAgent.Telemetry;

/// <summary>
/// What the service that runs the agent says of it, replaced whole when that changes (<see cref="AgentStatus.Publish"/>):
/// a reader always sees one consistent state, never a mode from one moment and a fault from another.
/// </summary>
/// <param name="Mode"><c>scoring</c> or <c>echo</c>.</param>
/// <param name="PipelineRunning">True while the pipeline's loops run.</param>
/// <param name="Fault">Why the pipeline stopped on an error: the agent is alive but no longer live; else null.</param>
/// <param name="Warning">Something an operator should know that does not stop the agent (a replaced database file); else null.</param>
public sealed record AgentState(string Mode, bool PipelineRunning = false, string? Fault = null, string? Warning = null)
{
    /// <summary>A scoring agent before its pipeline runs.</summary>
    public static AgentState Starting { get; } = new("scoring");
}
