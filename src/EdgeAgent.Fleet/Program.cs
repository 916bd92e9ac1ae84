using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
