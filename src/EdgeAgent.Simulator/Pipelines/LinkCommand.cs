using System.ComponentModel.DataAnnotations;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Simulator.Pipelines;

/// <summary>
/// <c>EdgeAgent.Simulator link --Link:ListenPort=... --Link:TargetPort=... --Link:RoundTripMilliseconds=100</c>: the emulated
/// link as a process of its own, so that its CPU is counted apart from the terminals'. Runs until stopped.
/// </summary>
public static class LinkCommand
{
    /// <summary>Written to standard output once the link accepts connections.</summary>
    public const string ReadyLine = "link listening";

    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var options = new LinkOptions();
        configuration.GetSection(LinkOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminated = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

        await using var link = new WanLink(options);
        link.Start();
        Console.WriteLine($"{ReadyLine} on {link.Port}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
