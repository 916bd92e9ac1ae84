using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

if (EdgeAgent.Fleet.Http.FleetCommands.Handles(args))
{
    return await EdgeAgent.Fleet.Http.FleetCommands.RunAsync(args, Console.Out, Console.Error);
}

try
{
    using var host = FleetHost.Build(args);
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("Invalid fleet settings: " + string.Join("; ", ex.Failures));
    return 3;
}
