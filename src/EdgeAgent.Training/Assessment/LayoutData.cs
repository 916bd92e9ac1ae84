using EdgeAgent.Training.Data;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Assessment;

/// <summary>
/// The replays a run trains and measures on: the data replayed once per store layout, the first layout keeping its
/// training months, and the seeded split of the cardholders.
/// </summary>
public sealed class LayoutData
{
    private FeatureMatrix? _trainSeenCards;
    private FeatureMatrix? _validationSeenCards;

    public LayoutData(TimeSplit split, CardSplit cards, IReadOnlyList<StoreLayout> layouts, IReadOnlyList<ReplayResult> replays)
    {
        if (layouts.Count == 0 || layouts.Count != replays.Count)
        {
            throw new ArgumentException("One replay per layout, at least one layout.", nameof(replays));
        }

        Split = split;
        Cards = cards;
        Layouts = layouts;
        Replays = replays;
    }

    public TimeSplit Split { get; }

    public CardSplit Cards { get; }

    public IReadOnlyList<StoreLayout> Layouts { get; }

    public IReadOnlyList<ReplayResult> Replays { get; }

    /// <summary>The layout the models are trained in (the first).</summary>
    public ReplayResult Training => Replays[0];

    /// <summary>The training months of the cards that are not held out: what a cardholder-split twin trains on.</summary>
    public FeatureMatrix TrainSeenCards => _trainSeenCards ??= Training.Train.Cards(heldOut: false);

    /// <summary>The validation month of the cards that are not held out: where a twin stops training and picks its thresholds.</summary>
    public FeatureMatrix ValidationSeenCards => _validationSeenCards ??= Training.Validation.Cards(heldOut: false);

    /// <summary>Replays the data file once, in every layout.</summary>
    public static LayoutData Load(string path, TimeSplit split, IReadOnlyList<StoreLayout> layouts, CardSplit cards) =>
        new(split, cards, layouts, FeatureReplay.RunFile(path, split, layouts, cards));

    /// <summary>What was replayed, for the command's log.</summary>
    public IEnumerable<FormattableString> Describe()
    {
        var t = Training;
        yield return $"layout {t.Layout}: {t.Rows} rows of {t.Cards} cards; train {Split.Train}: {t.Train.Rows} rows, {t.Train.Frauds} frauds; validation {Split.Validation}: {t.Validation.Rows} rows, {t.Validation.Frauds} frauds; test {Split.Test}: {t.Test.Rows} rows, {t.Test.Frauds} frauds";
        yield return $"cardholder split: {Cards.HeldOutShare:P0} of cards held out (seed {Cards.Seed}); {TrainSeenCards.Rows} training rows of the other cards";
        foreach (var r in Replays.Skip(1))
        {
            yield return $"layout {r.Layout}: {r.Rows} rows; validation {r.Validation.Rows} rows, {r.Validation.Frauds} frauds; test {r.Test.Rows} rows, {r.Test.Frauds} frauds";
        }
    }
}
