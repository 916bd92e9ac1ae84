using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Sparkov;
using EdgeAgent.Training.Fleet;
using EdgeAgent.Training.Layouts;

namespace EdgeAgent.Training.Data;

/// <summary>
/// Replays labelled history through the agent's own feature code: each row is tokenized and mapped to the
/// event a terminal would send, its features are computed from the rows before it, and only then does it
/// join the state. One state runs through every period, as the agent's would, so a validation or test row
/// sees the same history it would have seen live. Several store layouts replay in one pass over the file,
/// each with its own state, as separate sites would; a fleet layout with one state per store (<see cref="FleetFeatures"/>).
/// </summary>
public static class FeatureReplay
{
    /// <summary>Longest PAN the agent accepts.</summary>
    private const int MaxPanDigits = 19;

    /// <summary>Replays a Sparkov CSV (or .csv.gz) file with the training tokenizer, one terminal per merchant.</summary>
    public static ReplayResult RunFile(string path, TimeSplit split) =>
        RunFile(path, split, [new MerchantStoreLayout()], CardSplit.Default)[0];

    /// <summary>Replays a file in every layout; the first layout keeps its training rows, the others only the later periods.</summary>
    public static IReadOnlyList<ReplayResult> RunFile(string path, TimeSplit split, IReadOnlyList<StoreLayout> layouts, CardSplit cards)
    {
        using var reader = DataFiles.OpenText(path);
        return Run(SparkovCsv.Read(reader), TrainingTokenizer.Create(), split, layouts, cards);
    }

    public static ReplayResult Run(IEnumerable<SparkovRecord> records, CardTokenizer tokenizer, TimeSplit split) =>
        Run(records, tokenizer, split, [new MerchantStoreLayout()], CardSplit.Default)[0];

    public static IReadOnlyList<ReplayResult> Run(
        IEnumerable<SparkovRecord> records, CardTokenizer tokenizer, TimeSplit split, IReadOnlyList<StoreLayout> layouts, CardSplit cards)
    {
        var sites = layouts.Select((layout, i) => new Site(layout, keepTrain: i == 0)).ToArray();
        var features = new float[FeatureSchema.Count];
        var pan = new byte[MaxPanDigits];
        var heldOut = new Dictionary<string, bool>(StringComparer.Ordinal);
        long rows = 0;
        long outOfOrder = 0;
        var previous = long.MinValue;

        foreach (var record in records)
        {
            // The agent tokenizes the PAN's ASCII digits (PaymentFields.ReadPan); so does the replay.
            var length = Encoding.ASCII.GetBytes(record.CardNumber, pan);
            var token = tokenizer.Tokenize(pan.AsSpan(0, length));
            if (!heldOut.TryGetValue(record.CardNumber, out var isHeldOut))
            {
                isHeldOut = cards.IsHeldOut(record.CardNumber);
                heldOut.Add(record.CardNumber, isHeldOut);
            }

            var part = split.PartOf(record.UnixTime);
            foreach (var site in sites)
            {
                if (!site.Layout.TryRoute(record, rows, out var address))
                {
                    continue;
                }

                site.ComputeAndApply(SparkovMapping.ToEvent(record, token, address), features);
                site.BuilderFor(part)?.Add(features, record.IsFraud, isHeldOut, record.UnixTime);
                site.Rows++;
            }

            rows++;
            if (record.UnixTime < previous)
            {
                outOfOrder++;
            }

            previous = Math.Max(previous, record.UnixTime);
        }

        return [.. sites.Select(s => new ReplayResult(
            s.Layout.Name, s.Train.Build(), s.Validation.Build(), s.Test.Build(), s.Rows, s.Cards, outOfOrder))];
    }

    private sealed class Site(StoreLayout layout, bool keepTrain)
    {
        public StoreLayout Layout { get; } = layout;

        public FeatureState State { get; } = new();

        public FeatureExtractor Extractor => field ??= new FeatureExtractor(State);

        /// <summary>A fleet layout's agents, one feature state per store; null for a layout that is one site.</summary>
        public FleetFeatures? Fleet { get; } = layout is FleetLayout fleet ? new FleetFeatures(fleet.Lag) : null;

        public int Cards => Fleet?.CardCount ?? State.CardCount;

        public void ComputeAndApply(PaymentEvent payment, Span<float> features)
        {
            if (Fleet is { } fleet)
            {
                fleet.ComputeAndApply(payment, features);
            }
            else
            {
                Extractor.ComputeAndApply(payment, features);
            }
        }

        public FeatureMatrixBuilder Train { get; } = new();

        public FeatureMatrixBuilder Validation { get; } = new();

        public FeatureMatrixBuilder Test { get; } = new();

        public long Rows { get; set; }

        public FeatureMatrixBuilder? BuilderFor(DataPart part) => part switch
        {
            DataPart.Train when keepTrain => Train,
            DataPart.Validation => Validation,
            DataPart.Test => Test,
            _ => null,
        };
    }
}
