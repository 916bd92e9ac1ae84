using EdgeAgent.Training.Data;
using EdgeAgent.Training.Metrics;

namespace EdgeAgent.Training.Cli;

/// <summary>Options that every command which trains or evaluates reads the same way.</summary>
public static class CommonOptions
{
    /// <summary><c>--train</c>, <c>--validation</c>, <c>--test</c>, defaulting to <see cref="TimeSplit.Default"/>.</summary>
    public static TimeSplit Split(CommandArguments args)
    {
        var train = args.Parsed("train", TimeSplit.Default.Train, MonthRange.Parse);
        var validation = args.Parsed("validation", TimeSplit.Default.Validation, MonthRange.Parse);
        var test = args.Parsed("test", TimeSplit.Default.Test, MonthRange.Parse);
        try
        {
            return new TimeSplit(train, validation, test);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message, ex);
        }
    }

    /// <summary><c>--review-rate</c> and <c>--decline-rate</c>, checked: 0 &lt; decline ≤ review ≤ 1.</summary>
    public static (double Review, double Decline) AlertRates(CommandArguments args)
    {
        var review = args.Real("review-rate", ThresholdChooser.DefaultReviewRate);
        var decline = args.Real("decline-rate", ThresholdChooser.DefaultDeclineRate);
        if (review is <= 0 or > 1 || decline <= 0 || decline > review)
        {
            throw new UsageException("0 < decline-rate ≤ review-rate ≤ 1 is required.");
        }

        return (review, decline);
    }

    /// <summary><c>--holdout-cards</c> (share of cardholders held out, 0 for none) and <c>--card-seed</c>.</summary>
    public static CardSplit Cards(CommandArguments args)
    {
        var share = args.Real("holdout-cards", CardSplit.DefaultHeldOutShare);
        var seed = args.Whole("card-seed", CardSplit.DefaultSeed);
        return share is >= 0 and < 1 ? new CardSplit(share, seed) : throw new UsageException("0 ≤ --holdout-cards < 1 is required.");
    }

    /// <summary>The data file, which must exist.</summary>
    public static string DataFile(CommandArguments args, string option = "data")
    {
        var path = args.Required(option);
        return File.Exists(path) ? path : throw new UsageException($"No data file at '{path}'.");
    }

    /// <summary><c>--signing-key</c>: the training key's private PEM that signs the card; null when the card is left unsigned.</summary>
    public static string? SigningKey(CommandArguments args)
    {
        var path = args.Text("signing-key", "");
        return path.Length == 0 ? null : File.Exists(path) ? path : throw new UsageException($"No signing key at '{path}'.");
    }
}
