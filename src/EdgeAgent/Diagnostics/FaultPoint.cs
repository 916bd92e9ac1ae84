namespace EdgeAgent.Diagnostics;

/// <summary>Where in the recording loop fault injection kills the agent.</summary>
public enum FaultPoint
{
    None = 0,
    Answer = 1,
    Commit = 2,
}
