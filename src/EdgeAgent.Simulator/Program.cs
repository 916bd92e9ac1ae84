using EdgeAgent.Simulator;

try
{
    var command = args.Length == 0 || args[0].StartsWith('-') ? "loadgen" : args[0].ToLowerInvariant();
    var settings = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
    return command switch
    {
        "loadgen" => await LoadGenCommand.RunAsync(settings),
        "demo" => await DemoCommand.RunAsync(settings),
        "pipelines" => await RunPipelinesAsync(settings),
        "link" => await EdgeAgent.Simulator.Pipelines.LinkCommand.RunAsync(settings),
        "help" => Usage(0),
        _ => Usage(2),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

static async Task<int> RunPipelinesAsync(string[] settings)
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };

    // A stop signal ends the run through its cancellation, so that the agents and links it started are stopped too.
    using var terminated = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        cancel.Cancel();
    });
    try
    {
        return await EdgeAgent.Simulator.Pipelines.PipelinesCommand.RunAsync(settings, Console.Out, cancel.Token);
    }
    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine("Stopped before the end: no report written.");
        return 130;
    }
}

static int Usage(int code)
{
    Console.WriteLine("""
        Usage: EdgeAgent.Simulator [command] [--Section:Key=value ...]

        Commands:
          loadgen   the POS simulator against a broker (default): --Load:Mode=Open --Load:Rate=1000, or Closed --Load:Concurrency=32
          demo      the agent (embedded broker, bundled model) and the simulator against it, then a summary
          pipelines the same payments through edge, stream and batch pipelines, then an ablation; a report with charts
                    (--Evaluation:Quick=true for a short check, --Evaluation:Output=folder; see docs/benchmarks.md)
          link      the emulated network link alone: --Link:ListenPort --Link:TargetPort --Link:RoundTripMilliseconds ...
          help      this text

        Settings come from environment variables EdgeAgent__Section__Key and the command line; see docs/configuration.md.
        """);
    return code;
}
