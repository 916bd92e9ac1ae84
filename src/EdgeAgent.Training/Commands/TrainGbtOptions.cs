using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;

namespace EdgeAgent.Training.Commands;

/// <summary>What <c>train-gbt</c> was asked to do.</summary>
public sealed record TrainGbtOptions(string Data, string Out, string Name, string Version, TimeSplit Split, GbtSettings Settings, double ReviewRate, double DeclineRate)
{
    public static TrainGbtOptions From(CommandArguments args)
    {
        var defaults = new GbtSettings();
        var data = args.Required("data");
        var output = args.Required("out");
        var name = args.Text("name", "fraud-gbt");
        var version = args.Text("version", "1.0.0");
        var train = args.Parsed("train", TimeSplit.Default.Train, MonthRange.Parse);
        var validation = args.Parsed("validation", TimeSplit.Default.Validation, MonthRange.Parse);
        var test = args.Parsed("test", TimeSplit.Default.Test, MonthRange.Parse);
        var settings = new GbtSettings
        {
            Trees = args.Whole("trees", defaults.Trees),
            Leaves = args.Whole("leaves", defaults.Leaves),
            LearningRate = args.Real("learning-rate", defaults.LearningRate),
            MinimumLeafRows = args.Whole("min-leaf-rows", defaults.MinimumLeafRows),
            L2Regularization = args.Real("l2", defaults.L2Regularization),
            Seed = args.Whole("seed", defaults.Seed),
        };
        var reviewRate = args.Real("review-rate", Metrics.ThresholdChooser.DefaultReviewRate);
        var declineRate = args.Real("decline-rate", Metrics.ThresholdChooser.DefaultDeclineRate);
        args.EnsureAllRead();
        if (reviewRate is <= 0 or > 1 || declineRate is <= 0 || declineRate > reviewRate)
        {
            throw new UsageException("0 < decline-rate ≤ review-rate ≤ 1 is required.");
        }

        TimeSplit split;
        try
        {
            split = new TimeSplit(train, validation, test);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message, ex);
        }

        if (settings.Trees < 1 || settings.Leaves < 2 || settings.LearningRate <= 0 || settings.MinimumLeafRows < 1)
        {
            throw new UsageException("Trees ≥ 1, leaves ≥ 2, learning rate > 0 and min-leaf-rows ≥ 1 are required.");
        }

        return new TrainGbtOptions(data, output, name, version, split, settings, reviewRate, declineRate);
    }
}
