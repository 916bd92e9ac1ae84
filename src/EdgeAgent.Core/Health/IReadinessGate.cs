namespace EdgeAgent.Core.Health;

/// <summary>
/// Where a component says it keeps the agent from taking payments, and why; <c>/health/ready</c> answers 503 with
/// every reason while any is set. A component sets its problem when it sees it (<c>gate.NotReady("storage", "disk
/// full: intake stopped")</c>) and clears it when it is over (<c>gate.Ready("storage")</c>). Reasons are shown on
/// the health endpoint and the status page: name the condition, never a secret or a path an attacker could use.
/// </summary>
public interface IReadinessGate
{
    /// <summary>Marks <paramref name="component"/> as keeping the agent from being ready; replaces its earlier reason.</summary>
    void NotReady(string component, string reason);

    /// <summary>Clears <paramref name="component"/>'s problem; does nothing when it had none.</summary>
    void Ready(string component);

    /// <summary>The problems now, by component.</summary>
    IReadOnlyDictionary<string, string> Problems { get; }
}
