using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

if (EdgeAgent.Fleet.Http.FleetCommands.Handles(args))
{
    return await EdgeAgent.Fleet.Http.FleetCommands.RunAsync(args, Console.Out, Console.Error);
}

try
{
    using var host = FleetHost.Build(args);
    try
    {
        await host.StartAsync();
    }
    catch (OperationCanceledException) when (host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
    {
        // Stopped (SIGTERM) while still starting, as a pod may be: what started stops below as at any other stop,
        // rather than the process failing its start.
    }

    // Returns once the host was told to stop and has stopped its services, the silo last.
    await host.WaitForShutdownAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("Invalid fleet settings: " + string.Join("; ", ex.Failures));
    return 3;
}
catch (Orleans.Runtime.OrleansException ex)
{
    // A silo that cannot join (no peer would complete TLS with it, or membership refused it) ends with a line that
    // says so, not a crash dump.
    Console.Error.WriteLine("The silo could not join its cluster: " + ex.Message);
    return 4;
}
