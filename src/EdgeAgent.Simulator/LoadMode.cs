namespace EdgeAgent.Simulator;

/// <summary>How the load generator paces payments.</summary>
public enum LoadMode
{
    /// <summary>A fixed rate whatever the agent does, as real terminals behave; latency counts from the intended send time.</summary>
    Open = 0,

    /// <summary>A fixed number of payments outstanding: each terminal sends its next when the last is answered.</summary>
    Closed = 1,
}
