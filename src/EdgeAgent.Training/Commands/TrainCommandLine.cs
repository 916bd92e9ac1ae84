using System.CommandLine;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Commands;

/// <summary>The command line every training command shares; each trainer adds and reads only its own settings.</summary>
public static class TrainCommandLine
{
    /// <summary>
    /// A training command named <paramref name="name"/>: data, output, the model's name (default
    /// <paramref name="modelName"/>) and version, split, layouts, cards, then <paramref name="addSettings"/>, then the
    /// alert rates and the signing key.
    /// </summary>
    public static Command Command(string name, string description, string modelName, Action<Command> addSettings)
    {
        var command = new Command(name, description);
        CommonOptions.AddData(command);
        command.Options.Add(TrainingOption.Required("--out", "the folder the model and its card are written to"));
        command.Options.Add(TrainingOption.Text("--name", modelName, "the model's name"));
        command.Options.Add(TrainingOption.Text("--version", "1.0.0", "the model's version"));
        CommonOptions.AddSplit(command);
        StoreLayouts.AddOptions(command);
        CommonOptions.AddCards(command);
        addSettings(command);
        CommonOptions.AddAlertRates(command);
        CommonOptions.AddSigningKey(command);
        return command;
    }

    /// <summary>The options of a command made by <see cref="Command"/>; <paramref name="readSettings"/> reads and checks the trainer's own.</summary>
    public static TrainOptions<TSettings> From<TSettings>(ParseResult args, Func<ParseResult, TSettings> readSettings)
    {
        var data = CommonOptions.DataFile(args);
        var output = args.GetValue<string>("--out")!;
        var name = args.GetValue<string>("--name")!;
        var version = args.GetValue<string>("--version")!;
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var cards = CommonOptions.Cards(args);
        var settings = readSettings(args);
        var (review, decline) = CommonOptions.AlertRates(args);
        return new TrainOptions<TSettings>(data, output, name, version, split, layouts, cards, settings, review, decline, CommonOptions.SigningKey(args));
    }
}
