using System.CommandLine;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Gbt;

namespace EdgeAgent.Training.Commands;

/// <summary>The <c>train-gbt</c> command line: the shared training options and the trees' own.</summary>
public static class TrainGbtOptions
{
    /// <summary>The <c>train-gbt</c> command and its options.</summary>
    public static Command Command()
    {
        var defaults = new GbtSettings();
        return TrainCommandLine.Command("train-gbt", "trains the gradient-boosted trees, exports them to ONNX and writes the model card", "fraud-gbt", command =>
        {
            command.Options.Add(TrainingOption.Whole("--trees", defaults.Trees, "the number of trees"));
            command.Options.Add(TrainingOption.Whole("--leaves", defaults.Leaves, "leaves per tree"));
            command.Options.Add(TrainingOption.Real("--learning-rate", defaults.LearningRate, "the learning rate"));
            command.Options.Add(TrainingOption.Whole("--min-leaf-rows", defaults.MinimumLeafRows, "the fewest rows in a leaf"));
            command.Options.Add(TrainingOption.Real("--l2", defaults.L2Regularization, "the L2 regularization"));
            command.Options.Add(TrainingOption.Whole("--seed", defaults.Seed, "the trainer's seed"));
        });
    }

    /// <summary>What <c>train-gbt</c> was asked to do.</summary>
    public static TrainOptions<GbtSettings> From(ParseResult args) => TrainCommandLine.From(args, Settings);

    private static GbtSettings Settings(ParseResult args)
    {
        var settings = new GbtSettings
        {
            Trees = args.GetValue<int>("--trees"),
            Leaves = args.GetValue<int>("--leaves"),
            LearningRate = args.GetValue<double>("--learning-rate"),
            MinimumLeafRows = args.GetValue<int>("--min-leaf-rows"),
            L2Regularization = args.GetValue<double>("--l2"),
            Seed = args.GetValue<int>("--seed"),
        };
        if (settings.Trees < 1 || settings.Leaves < 2 || settings.LearningRate <= 0 || settings.MinimumLeafRows < 1)
        {
            throw new ArgumentException("Trees ≥ 1, leaves ≥ 2, learning rate > 0 and min-leaf-rows ≥ 1 are required.");
        }

        return settings;
    }
}
