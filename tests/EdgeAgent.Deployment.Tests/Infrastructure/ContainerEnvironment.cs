namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>Environment variables an agent container may carry, checked against what the agent reads.</summary>
public static class ContainerEnvironment
{
    /// <summary>Variables for the runtime around the agent, not for the agent's configuration.</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "DOTNET_ROOT",
        "DOTNET_EnableDiagnostics",
        "NVIDIA_VISIBLE_DEVICES",
        "NVIDIA_DRIVER_CAPABILITIES",
        "TZ",
    };

    /// <summary>Why each variable would not reach the agent as meant; empty when all do.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var problems = new List<string>();
        foreach (var (name, value) in variables)
        {
            if (RuntimeVariables.Contains(name))
            {
                continue;
            }

            if (!name.StartsWith(AgentSettings.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: neither an {AgentSettings.EnvironmentPrefix} setting nor a known runtime variable");
                continue;
            }

            if (AgentSettings.Current.Check(name, value) is { } problem)
            {
                problems.Add(problem);
            }

            if (name.Contains("Tokenization__Key", StringComparison.OrdinalIgnoreCase)
                && !name.EndsWith("KeyFile", StringComparison.OrdinalIgnoreCase) && !name.EndsWith("KeyId", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: the tokenization key comes from a mounted secret file (Tokenization:KeyFile), never inline");
            }
        }

        return problems;
    }
}
