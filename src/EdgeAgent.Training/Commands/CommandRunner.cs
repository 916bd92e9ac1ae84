using System.CommandLine;
using EdgeAgent.Training.Quantization;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// The training commands on System.CommandLine: it writes the help (<c>--help</c>, <c>&lt;command&gt; --help</c>) and
/// refuses unknown options, since a mistyped flag would otherwise train a different model without saying so. A command
/// line it refuses, or a value a command refuses, exits 2.
/// </summary>
public static class CommandRunner
{
    /// <summary>The command that runs this program from the repository root, as a model card records it.</summary>
    public const string Launcher = "dotnet run --project src/EdgeAgent.Training -c Release --";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var command = Recorded(args);
        var root = new RootCommand("Trains, quantizes and evaluates the fraud models; samples the data for the simulator. See docs/models.md.");
        root.Subcommands.Add(Action(TrainGbtOptions.Command(), result => TrainGbtCommand.Run(TrainGbtOptions.From(result), command, output)));
        root.Subcommands.Add(Action(TrainMlpOptions.Command(), result => TrainMlpCommand.Run(TrainMlpOptions.From(result), command, output)));
        root.Subcommands.Add(Action(QuantizeOptions.Command(), result => QuantizeCommand.Run(QuantizeOptions.From(result), command, output)));
        root.Subcommands.Add(Action(EvaluateCommand.Command(), result => EvaluateCommand.Run(result, command, output)));
        root.Subcommands.Add(Action(SampleCommand.Command(), result => SampleCommand.Run(result, output)));
        root.Subcommands.Add(Action(KeysCommand.Command(), result => KeysCommand.Run(result, output)));
        root.Subcommands.Add(Action(FleetAgeCommand.Command(), result => FleetAgeCommand.Run(result, command, output)));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine(parseError.Message);
            }

            error.WriteLine($"See EdgeAgent.Training {(parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ")}--help.");
            return 2;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (QuantizationException ex)
        {
            // The model, not the command line, is at fault: say why without pointing at the help.
            error.WriteLine("quantize refused: " + ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException)
        {
            // A value the command refused once it read them together (months that overlap, a layout that does not
            // exist), or data that cannot serve (no rows in the test months).
            error.WriteLine(ex.Message);
            error.WriteLine($"See EdgeAgent.Training {parsed.CommandResult.Command.Name} --help.");
            return 2;
        }
    }

    /// <summary>The command line as a POSIX shell takes it, so a model card records the exact command that made it.</summary>
    public static string Recorded(IEnumerable<string> args) =>
        string.Join(' ', args.Select(Quote).Prepend(Launcher));

    /// <summary>POSIX shell quoting, only where a word needs it.</summary>
    public static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Command Action(Command command, Func<ParseResult, int> run)
    {
        command.SetAction(run);
        return command;
    }
}
