using System.CommandLine;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Metrics;

namespace EdgeAgent.Training.Cli;

/// <summary>Options that every command which trains or evaluates declares and reads the same way.</summary>
public static class CommonOptions
{
    /// <summary><c>--data</c>, the labelled history, which must exist.</summary>
    public static void AddData(Command command, string name = "--data") =>
        command.Options.Add(TrainingOption.ExistingFile(name, "the Sparkov CSV (csv or csv.gz)"));

    /// <summary>The data file, checked at parse time.</summary>
    public static string DataFile(ParseResult args, string name = "--data") => args.GetValue<string>(name)!;

    /// <summary><c>--train</c>, <c>--validation</c>, <c>--test</c>, defaulting to <see cref="TimeSplit.Default"/>.</summary>
    public static void AddSplit(Command command)
    {
        command.Options.Add(TrainingOption.Parsed("--train", TimeSplit.Default.Train.ToString(), MonthRange.Parse, "the months a model trains on"));
        command.Options.Add(TrainingOption.Parsed("--validation", TimeSplit.Default.Validation.ToString(), MonthRange.Parse, "the months that choose the epoch and the thresholds"));
        command.Options.Add(TrainingOption.Parsed("--test", TimeSplit.Default.Test.ToString(), MonthRange.Parse, "the months a model is measured on"));
    }

    /// <summary>The split; months that overlap or run backwards are refused with <see cref="ArgumentException"/>.</summary>
    public static TimeSplit Split(ParseResult args) => new(
        MonthRange.Parse(args.GetValue<string>("--train")!),
        MonthRange.Parse(args.GetValue<string>("--validation")!),
        MonthRange.Parse(args.GetValue<string>("--test")!));

    /// <summary><c>--review-rate</c> and <c>--decline-rate</c>.</summary>
    public static void AddAlertRates(Command command)
    {
        command.Options.Add(TrainingOption.Real("--review-rate", ThresholdChooser.DefaultReviewRate, "the share of validation payments sent to review"));
        command.Options.Add(TrainingOption.Real("--decline-rate", ThresholdChooser.DefaultDeclineRate, "the share of validation payments declined"));
    }

    /// <summary>The alert rates, checked: 0 &lt; decline ≤ review ≤ 1.</summary>
    public static (double Review, double Decline) AlertRates(ParseResult args)
    {
        var review = args.GetValue<double>("--review-rate");
        var decline = args.GetValue<double>("--decline-rate");
        if (review is <= 0 or > 1 || decline <= 0 || decline > review)
        {
            throw new ArgumentException("0 < decline-rate ≤ review-rate ≤ 1 is required.");
        }

        return (review, decline);
    }

    /// <summary><c>--holdout-cards</c> (share of cardholders held out, 0 for none) and <c>--card-seed</c>.</summary>
    public static void AddCards(Command command)
    {
        command.Options.Add(TrainingOption.Real("--holdout-cards", CardSplit.DefaultHeldOutShare, "the share of cardholders held out for the cardholder split; 0 trains no twin"));
        command.Options.Add(TrainingOption.Whole("--card-seed", CardSplit.DefaultSeed, "the seed that picks the held-out cardholders"));
    }

    public static CardSplit Cards(ParseResult args)
    {
        var share = args.GetValue<double>("--holdout-cards");
        var seed = args.GetValue<int>("--card-seed");
        return share is >= 0 and < 1 ? new CardSplit(share, seed) : throw new ArgumentException("0 ≤ --holdout-cards < 1 is required.");
    }

    /// <summary><c>--signing-key</c>, the training key's private PEM that signs the card, which must exist when given.</summary>
    public static void AddSigningKey(Command command)
    {
        var option = new Option<string>("--signing-key") { Description = "the training key's private PEM that signs the model card; without it the card is left unsigned" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && !File.Exists(path))
            {
                result.AddError($"No signing key at '{path}' (--signing-key).");
            }
        });
        command.Options.Add(option);
    }

    /// <summary>The signing key's path; null when the card is left unsigned.</summary>
    public static string? SigningKey(ParseResult args) => args.GetValue<string>("--signing-key") is { Length: > 0 } path ? path : null;
}
