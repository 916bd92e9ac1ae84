using System.CommandLine;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Commands;

/// <summary>What <c>train-gbt</c> was asked to do.</summary>
public sealed record TrainGbtOptions(
    string Data,
    string Out,
    string Name,
    string Version,
    TimeSplit Split,
    IReadOnlyList<StoreLayout> Layouts,
    CardSplit Cards,
    GbtSettings Settings,
    double ReviewRate,
    double DeclineRate,
    string? SigningKey = null)
{
    /// <summary>The <c>train-gbt</c> command and its options.</summary>
    public static Command Command()
    {
        var defaults = new GbtSettings();
        var command = new Command("train-gbt", "trains the gradient-boosted trees, exports them to ONNX and writes the model card");
        CommonOptions.AddData(command);
        command.Options.Add(TrainingOption.Required("--out", "the folder the model and its card are written to"));
        command.Options.Add(TrainingOption.Text("--name", "fraud-gbt", "the model's name"));
        command.Options.Add(TrainingOption.Text("--version", "1.0.0", "the model's version"));
        CommonOptions.AddSplit(command);
        StoreLayouts.AddOptions(command);
        CommonOptions.AddCards(command);
        command.Options.Add(TrainingOption.Whole("--trees", defaults.Trees, "the number of trees"));
        command.Options.Add(TrainingOption.Whole("--leaves", defaults.Leaves, "leaves per tree"));
        command.Options.Add(TrainingOption.Real("--learning-rate", defaults.LearningRate, "the learning rate"));
        command.Options.Add(TrainingOption.Whole("--min-leaf-rows", defaults.MinimumLeafRows, "the fewest rows in a leaf"));
        command.Options.Add(TrainingOption.Real("--l2", defaults.L2Regularization, "the L2 regularization"));
        command.Options.Add(TrainingOption.Whole("--seed", defaults.Seed, "the trainer's seed"));
        CommonOptions.AddAlertRates(command);
        CommonOptions.AddSigningKey(command);
        return command;
    }

    public static TrainGbtOptions From(ParseResult args)
    {
        var data = CommonOptions.DataFile(args);
        var output = args.GetValue<string>("--out")!;
        var name = args.GetValue<string>("--name")!;
        var version = args.GetValue<string>("--version")!;
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var cards = CommonOptions.Cards(args);
        var settings = new GbtSettings
        {
            Trees = args.GetValue<int>("--trees"),
            Leaves = args.GetValue<int>("--leaves"),
            LearningRate = args.GetValue<double>("--learning-rate"),
            MinimumLeafRows = args.GetValue<int>("--min-leaf-rows"),
            L2Regularization = args.GetValue<double>("--l2"),
            Seed = args.GetValue<int>("--seed"),
        };
        var (review, decline) = CommonOptions.AlertRates(args);
        var signingKey = CommonOptions.SigningKey(args);
        if (settings.Trees < 1 || settings.Leaves < 2 || settings.LearningRate <= 0 || settings.MinimumLeafRows < 1)
        {
            throw new ArgumentException("Trees ≥ 1, leaves ≥ 2, learning rate > 0 and min-leaf-rows ≥ 1 are required.");
        }

        return new TrainGbtOptions(data, output, name, version, split, layouts, cards, settings, review, decline, signingKey);
    }
}
