using System.CommandLine;
using EdgeAgent.Simulator;
using EdgeAgent.Simulator.Pipelines;

// Settings are configuration keys, as the agent takes them: --Section:Key=value, or EdgeAgent__Section__Key in the
// environment. Each command declares the sections it reads as options: System.CommandLine splits "--Load:Rate=1000"
// at the colon into the option --Load and "Rate=1000", refuses a section the command does not read, and writes --help.
// Unknown keys within a section are refused where the section is bound (ErrorOnUnknownConfiguration).
var root = Bind(new RootCommand("The POS simulator, the demo and the pipeline evaluation. Settings also come from environment "
    + "variables EdgeAgent__Section__Key; see docs/configuration.md."), "Load", "with no command: loadgen's", LoadGenCommand.RunAsync);
root.Subcommands.Add(Bind(new Command("loadgen", "the POS simulator against a broker (the default command)"),
    "Load", "the POS simulator: --Load:Mode=Open --Load:Rate=1000, or --Load:Mode=Closed --Load:Concurrency=32;", LoadGenCommand.RunAsync));
var demo = Bind(new Command("demo", "the agent (embedded broker, bundled model) and the simulator against it, then a summary"),
    "Load", "the POS simulator's; the agent's own settings (--Mqtt:Port=1884 ...) pass through to it, which refuses unknown keys as it does alone;", DemoCommand.RunAsync);
demo.TreatUnmatchedTokensAsErrors = false;
root.Subcommands.Add(demo);
root.Subcommands.Add(Bind(new Command("pipelines", "the same payments through edge, stream and batch pipelines, then an ablation; a report with charts"),
    "Evaluation", "--Evaluation:Quick=true for a short check, --Evaluation:Output=<folder> (docs/benchmarks.md);", RunPipelinesAsync));
root.Subcommands.Add(Bind(new Command("fleet-deltas", "stores sending card deltas to a fleet's uplink as fast as it receipts them; deltas per second"),
    "FleetLoad", "--FleetLoad:Port=1884 --FleetLoad:KeyFingerprint=<16 hex> --FleetLoad:Stores=4 --FleetLoad:Seconds=20 (docs/benchmarks.md);", FleetDeltasCommand.RunAsync));
root.Subcommands.Add(Bind(new Command("records", "the agent's cloud messages (Avro records, gzip'd or plain JSON) as their JSON batches, one a line"),
    RecordsCommand.SectionName, "--Records:Input=<a file of bodies in hex, one a line (mosquitto_sub -F %x), or one raw body>;", RecordsCommand.RunAsync));
root.Subcommands.Add(Bind(new Command("link", "the emulated network link alone"),
    "Link", "--Link:ListenPort --Link:TargetPort --Link:RoundTripMilliseconds ...;", LinkCommand.RunAsync));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("See EdgeAgent.Simulator --help.");
    return 2;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.DataAnnotations.ValidationException)
{
    // A setting the section's binding or validation refused: an unknown key, a value out of range.
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// The command reads one configuration section, declared as an option: its values ("Key=value") go back to the
// configuration as "--Section:Key=value", with what the command leaves to others (the demo's agent settings).
static Command Bind(Command command, string section, string description, Func<string[], Task<int>> run)
{
    var option = new Option<string[]>("--" + section) { Description = description + $" a setting is --{section}:Key=value", HelpName = "Key=value" };
    option.Validators.Add(result =>
    {
        foreach (var token in result.Tokens.Where(t => !t.Value.Contains('=', StringComparison.Ordinal)))
        {
            result.AddError($"--{section}:{token.Value}: a setting is --{section}:Key=value.");
        }
    });
    command.Options.Add(option);
    command.SetAction((result, _) => run([.. (result.GetValue(option) ?? []).Select(setting => $"--{section}:{setting}"), .. result.UnmatchedTokens]));
    return command;
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
        return await PipelinesCommand.RunAsync(settings, Console.Out, cancel.Token);
    }
    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine("Stopped before the end: no report written.");
        return 130;
    }
}
