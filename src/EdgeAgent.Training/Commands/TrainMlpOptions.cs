using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Layouts;
using EdgeAgent.Training.Mlp;

namespace EdgeAgent.Training.Commands;

/// <summary>What <c>train-mlp</c> was asked to do.</summary>
public sealed record TrainMlpOptions(
    string Data,
    string Out,
    string Name,
    string Version,
    TimeSplit Split,
    IReadOnlyList<StoreLayout> Layouts,
    CardSplit Cards,
    MlpSettings Settings,
    double ReviewRate,
    double DeclineRate,
    string? SigningKey = null)
{
    public static TrainMlpOptions From(CommandArguments args)
    {
        var defaults = new MlpSettings();
        var data = CommonOptions.DataFile(args);
        var output = args.Required("out");
        var name = args.Text("name", "fraud-mlp");
        var version = args.Text("version", "1.0.0");
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var cards = CommonOptions.Cards(args);
        var settings = new MlpSettings
        {
            Hidden1 = args.Whole("hidden1", defaults.Hidden1),
            Hidden2 = args.Whole("hidden2", defaults.Hidden2),
            EmbeddingSize = args.Whole("embedding", defaults.EmbeddingSize),
            MinCategoryRows = args.Whole("min-category-rows", defaults.MinCategoryRows),
            CategoryDropout = args.Real("category-dropout", defaults.CategoryDropout),
            Epochs = args.Whole("epochs", defaults.Epochs),
            Patience = args.Whole("patience", defaults.Patience),
            BatchSize = args.Whole("batch-size", defaults.BatchSize),
            LearningRate = args.Real("learning-rate", defaults.LearningRate),
            WeightDecay = args.Real("weight-decay", defaults.WeightDecay),
            Seed = args.Whole("seed", defaults.Seed),
        };
        var (review, decline) = CommonOptions.AlertRates(args);
        var signingKey = CommonOptions.SigningKey(args);
        args.EnsureAllRead();
        if (settings.Hidden1 < 1 || settings.Hidden2 < 1 || settings.EmbeddingSize < 1 || settings.Epochs < 1
            || settings.Patience < 1 || settings.BatchSize < 1 || settings.LearningRate <= 0 || settings.WeightDecay < 0
            || settings.MinCategoryRows < 0 || settings.CategoryDropout is < 0 or >= 1)
        {
            throw new UsageException("Layer widths, embedding, epochs, patience and batch size ≥ 1, learning rate > 0, weight decay ≥ 0, min-category-rows ≥ 0 and 0 ≤ category-dropout < 1 are required.");
        }

        return new TrainMlpOptions(data, output, name, version, split, layouts, cards, settings, review, decline, signingKey);
    }
}
