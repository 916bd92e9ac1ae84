namespace EdgeAgent.Commands;

/// <summary>Splits the command line into a command and the settings that follow it.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: EdgeAgent [command] [--Section:Key=value ...]

        Commands:
          run        run the agent (default)
          demo       run the agent and the POS simulator against it, then print a summary
          echo       run the bare echo agent (same ingest and answers, no pipeline): the benchmark baseline
          loadgen    run only the POS simulator / load generator against a broker (--Load:*)
          selfcheck  load the model, score one synthetic payment, print the result
          health     exit 0 when the running agent's /health/ready answers 200
          credentials  make a store's CA, certificates, passwords and identities (credentials help)
          version    print the version

        Every setting can also come from appsettings.json or an environment variable EdgeAgent__Section__Key.
        See docs/configuration.md.
        """;

    public static (AgentCommand Command, string[] Settings) Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return (AgentCommand.Run, args);
        }

        var command = args[0].ToLowerInvariant() switch
        {
            "run" => AgentCommand.Run,
            "demo" => AgentCommand.Demo,
            "echo" => AgentCommand.Echo,
            "loadgen" => AgentCommand.LoadGen,
            "selfcheck" => AgentCommand.SelfCheck,
            "health" => AgentCommand.Health,
            "credentials" => AgentCommand.Credentials,
            "version" => AgentCommand.Version,
            "help" => AgentCommand.Help,
            _ => throw new ArgumentException($"Unknown command '{args[0]}'.\n\n{Usage}"),
        };
        return (command, args[1..]);
    }
}
