using System.CommandLine;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Mlp;

namespace EdgeAgent.Training.Commands;

/// <summary>The <c>train-mlp</c> command line: the shared training options and the MLP's own.</summary>
public static class TrainMlpOptions
{
    /// <summary>The <c>train-mlp</c> command and its options.</summary>
    public static Command Command()
    {
        var defaults = new MlpSettings();
        return TrainCommandLine.Command("train-mlp", "trains the MLP, exports it to ONNX and writes the model card", "fraud-mlp", command =>
        {
            command.Options.Add(TrainingOption.Whole("--hidden1", defaults.Hidden1, "the first hidden layer's width"));
            command.Options.Add(TrainingOption.Whole("--hidden2", defaults.Hidden2, "the second hidden layer's width"));
            command.Options.Add(TrainingOption.Whole("--embedding", defaults.EmbeddingSize, "the merchant category embedding's size"));
            command.Options.Add(TrainingOption.Whole("--min-category-rows", defaults.MinCategoryRows, "the fewest training rows a category needs for an embedding of its own"));
            command.Options.Add(TrainingOption.Real("--category-dropout", defaults.CategoryDropout, "the share of rows trained as an unknown category"));
            command.Options.Add(TrainingOption.Whole("--epochs", defaults.Epochs, "the most epochs"));
            command.Options.Add(TrainingOption.Whole("--patience", defaults.Patience, "epochs without a better validation loss before stopping"));
            command.Options.Add(TrainingOption.Whole("--batch-size", defaults.BatchSize, "rows per step"));
            command.Options.Add(TrainingOption.Real("--learning-rate", defaults.LearningRate, "AdamW's learning rate"));
            command.Options.Add(TrainingOption.Real("--weight-decay", defaults.WeightDecay, "AdamW's weight decay"));
            command.Options.Add(TrainingOption.Whole("--seed", defaults.Seed, "the trainer's seed"));
        });
    }

    /// <summary>What <c>train-mlp</c> was asked to do.</summary>
    public static TrainOptions<MlpSettings> From(ParseResult args) => TrainCommandLine.From(args, Settings);

    private static MlpSettings Settings(ParseResult args)
    {
        var settings = new MlpSettings
        {
            Hidden1 = args.GetValue<int>("--hidden1"),
            Hidden2 = args.GetValue<int>("--hidden2"),
            EmbeddingSize = args.GetValue<int>("--embedding"),
            MinCategoryRows = args.GetValue<int>("--min-category-rows"),
            CategoryDropout = args.GetValue<double>("--category-dropout"),
            Epochs = args.GetValue<int>("--epochs"),
            Patience = args.GetValue<int>("--patience"),
            BatchSize = args.GetValue<int>("--batch-size"),
            LearningRate = args.GetValue<double>("--learning-rate"),
            WeightDecay = args.GetValue<double>("--weight-decay"),
            Seed = args.GetValue<int>("--seed"),
        };
        if (settings.Hidden1 < 1 || settings.Hidden2 < 1 || settings.EmbeddingSize < 1 || settings.Epochs < 1
            || settings.Patience < 1 || settings.BatchSize < 1 || settings.LearningRate <= 0 || settings.WeightDecay < 0
            || settings.MinCategoryRows < 0 || settings.CategoryDropout is < 0 or >= 1)
        {
            throw new ArgumentException("Layer widths, embedding, epochs, patience and batch size ≥ 1, learning rate > 0, weight decay ≥ 0, min-category-rows ≥ 0 and 0 ≤ category-dropout < 1 are required.");
        }

        return settings;
    }
}
