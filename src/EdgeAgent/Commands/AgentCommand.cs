namespace EdgeAgent.Commands;

/// <summary>What the executable was asked to do: the first argument, when it is not a <c>--Section:Key=value</c> setting.</summary>
public enum AgentCommand
{
    /// <summary>Run the agent (the default).</summary>
    Run,

    /// <summary>Run the bare echo agent: same ingest and answers, no pipeline (the benchmark baseline).</summary>
    Echo,

    /// <summary>Load the model, score one synthetic payment, print the result.</summary>
    SelfCheck,

    /// <summary>Ask a running agent's health endpoint whether it is ready (for container health checks).</summary>
    Health,

    /// <summary>Make a store's CA, certificates, passwords and identity files, or a tokenization key.</summary>
    Credentials,

    /// <summary>Print the version.</summary>
    Version,

    /// <summary>Print usage.</summary>
    Help,
}
