namespace EdgeAgent.Commands;

/// <summary>Splits the command line into a command and the settings that follow it.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: EdgeAgent [command] [--Section:Key=value ...]

        Commands:
          run        run the agent (default)
          echo       run the bare echo agent (same ingest and answers, no pipeline): the benchmark baseline
          selfcheck  load the model, score one synthetic payment, print the result
          health     exit 0 when the running agent's /health/ready answers 200
          credentials  make a store's CA, certificates, passwords and identities (credentials help)
          version    print the version

        Every setting can also come from appsettings.json or an environment variable EdgeAgent__Section__Key.
        See docs/configuration.md. The POS simulator (demo, load generator) is its own program: src/EdgeAgent.Simulator.
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
            "echo" => AgentCommand.Echo,
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
