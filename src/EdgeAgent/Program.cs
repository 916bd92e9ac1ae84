using EdgeAgent.Commands;
using EdgeAgent.Hosting;

try
{
    var (command, settings) = CommandLine.Parse(args);
    return command switch
    {
        AgentCommand.Version => PrintAndExit($"EdgeAgent {EdgeAgent.Telemetry.AgentStatus.Version}"),
        AgentCommand.Help => PrintAndExit(CommandLine.Usage),
        AgentCommand.SelfCheck => SelfCheckCommand.Run(settings),
        AgentCommand.Health => await HealthCommand.RunAsync(settings),
        AgentCommand.Credentials => CredentialsCommand.Run(settings),
        _ => await AgentHost.RunAsync(command, settings),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

static int PrintAndExit(string text)
{
    Console.WriteLine(text);
    return 0;
}
