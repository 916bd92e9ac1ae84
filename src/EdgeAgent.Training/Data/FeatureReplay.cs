using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Samples;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Training.Data;

/// <summary>
/// Replays labelled history through the agent's own feature code: each row is tokenized and mapped to the
/// event a terminal would send, its features are computed from the rows before it, and only then does it
/// join the state. One state runs through every period, as the agent's would, so a validation or test row
/// sees the same history it would have seen live.
/// </summary>
public static class FeatureReplay
{
    /// <summary>Longest PAN the agent accepts.</summary>
    private const int MaxPanDigits = 19;

    /// <summary>Replays a Sparkov CSV (or .csv.gz) file with the training tokenizer.</summary>
    public static ReplayResult RunFile(string path, TimeSplit split)
    {
        using var reader = DataFiles.OpenText(path);
        return Run(SparkovCsv.Read(reader), TrainingTokenizer.Create(), split);
    }

    public static ReplayResult Run(IEnumerable<SparkovRecord> records, CardTokenizer tokenizer, TimeSplit split)
    {
        var state = new FeatureState();
        var extractor = new FeatureExtractor(state);
        var train = new FeatureMatrixBuilder();
        var validation = new FeatureMatrixBuilder();
        var test = new FeatureMatrixBuilder();
        var features = new float[FeatureSchema.Count];
        var pan = new byte[MaxPanDigits];
        long rows = 0;
        long outOfOrder = 0;
        var previous = long.MinValue;

        foreach (var record in records)
        {
            // The agent tokenizes the PAN's ASCII digits (PaymentFields.ReadPan); so does the replay.
            var length = Encoding.ASCII.GetBytes(record.CardNumber, pan);
            var token = tokenizer.Tokenize(pan.AsSpan(0, length));
            extractor.ComputeAndApply(SparkovMapping.ToEvent(record, token), features);

            var builder = split.PartOf(record.UnixTime) switch
            {
                DataPart.Train => train,
                DataPart.Validation => validation,
                DataPart.Test => test,
                _ => null,
            };
            builder?.Add(features, record.IsFraud);

            rows++;
            if (record.UnixTime < previous)
            {
                outOfOrder++;
            }

            previous = Math.Max(previous, record.UnixTime);
        }

        return new ReplayResult(train.Build(), validation.Build(), test.Build(), rows, state.CardCount, outOfOrder);
    }
}
