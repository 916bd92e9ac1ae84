namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// The one meter every instrument of the agent belongs to. Components create it from the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> (<c>meterFactory.Create(AgentMeter.Name)</c>), so that two
/// agents hosted in one process keep apart, and the exporters and the read-back of a host pick up
/// every instrument of its meter, whoever added it.
/// </summary>
public static class AgentMeter
{
    /// <summary>The meter's name; also the <c>otel_scope_name</c> label of every exported series.</summary>
    public const string Name = "EdgeAgent";
}
