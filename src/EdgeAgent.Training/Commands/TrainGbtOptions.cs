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
    public static TrainGbtOptions From(CommandArguments args)
    {
        var defaults = new GbtSettings();
        var data = CommonOptions.DataFile(args);
        var output = args.Required("out");
        var name = args.Text("name", "fraud-gbt");
        var version = args.Text("version", "1.0.0");
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var cards = CommonOptions.Cards(args);
        var settings = new GbtSettings
        {
            Trees = args.Whole("trees", defaults.Trees),
            Leaves = args.Whole("leaves", defaults.Leaves),
            LearningRate = args.Real("learning-rate", defaults.LearningRate),
            MinimumLeafRows = args.Whole("min-leaf-rows", defaults.MinimumLeafRows),
            L2Regularization = args.Real("l2", defaults.L2Regularization),
            Seed = args.Whole("seed", defaults.Seed),
        };
        var (review, decline) = CommonOptions.AlertRates(args);
        var signingKey = CommonOptions.SigningKey(args);
        args.EnsureAllRead();
        if (settings.Trees < 1 || settings.Leaves < 2 || settings.LearningRate <= 0 || settings.MinimumLeafRows < 1)
        {
            throw new UsageException("Trees ≥ 1, leaves ≥ 2, learning rate > 0 and min-leaf-rows ≥ 1 are required.");
        }

        return new TrainGbtOptions(data, output, name, version, split, layouts, cards, settings, review, decline, signingKey);
    }
}
