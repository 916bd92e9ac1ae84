using System.Text;
using EdgeAgent.Core.Features;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Sparkov;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Gbt;
using EdgeAgent.Training.Layouts;
using EdgeAgent.Training.Metrics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EdgeAgent.Training.Fleet;

/// <summary>
/// Whether the age of a store's fleet profile helps a model of the fleet layouts. The other stores' history reaches a
/// store after a lag its agent does not know, but the agent knows when the card's profile last came; a model could learn
/// from that how far to trust the profile. Three tree models, each on the same rows of the training months: trained at
/// lags drawn per store and hour from the listed set, without and with the profile's age as a 23rd input
/// (<see cref="AgeFeature"/>), and trained at lag 0 (as the shipped models are) without it; each is measured on the
/// test months replayed at every listed lag and at the drawn lags.
/// </summary>
public static class ProfileAgeExperiment
{
    /// <summary>The profile's age as an input: ln(1 + seconds) since the card's profile last reached the store, −1 when none did.</summary>
    public static float AgeFeature(long? ageMs) => ageMs is { } ms ? (float)Math.Log(1 + (Math.Max(0, ms) / 1000.0)) : -1f;

    /// <summary>A store's lag during an hour of payment time, drawn from <paramref name="lags"/> per store and hour.</summary>
    public static Func<int, long, TimeSpan> MixedLags(IReadOnlyList<TimeSpan> lags, int seed)
    {
        ArgumentNullException.ThrowIfNull(lags);
        return (store, unixMs) => lags[SeededHash.Below(SeededHash.Of(seed, ((long)store << 32) ^ (unixMs / 3_600_000)), lags.Count)];
    }

    /// <summary>Replays <paramref name="records"/>, trains the three models and measures each at every lag.</summary>
    public static IReadOnlyList<ProfileAgeResult> Run(
        IEnumerable<SparkovRecord> records, CardTokenizer tokenizer, TimeSplit split, int stores, IReadOnlyList<TimeSpan> lags, int seed, GbtSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(lags);
        ArgumentNullException.ThrowIfNull(log);
        if (lags.Count == 0)
        {
            throw new ArgumentException("At least one lag.", nameof(lags));
        }

        // No feature looks back more than the card windows: a replay starts that long before the rows it keeps.
        var window = CardHistory.RetentionMs / 1000;
        var trainFrom = split.Train.StartUnixSeconds - window;
        var testFrom = split.Test.StartUnixSeconds - window;
        var layout = new FleetLayout(seed, stores, TimeSpan.Zero);
        var mixed = new Replay("drawn lags", FleetFeatures.WithLags(MixedLags(lags, seed)), trainFrom);
        var atLag = lags.Select(l => new Replay("lag " + FleetLayout.FormatLag(l), new FleetFeatures(l), l == TimeSpan.Zero ? trainFrom : testFrom)).ToList();
        Replay[] replays = [.. atLag, mixed];
        var pan = new byte[19];
        var features = new float[FeatureSchema.Count];
        long read = 0;
        foreach (var record in records)
        {
            if (record.UnixTime < trainFrom || record.UnixTime >= split.Test.EndUnixSeconds)
            {
                continue;
            }

            var length = Encoding.ASCII.GetBytes(record.CardNumber, pan);
            var payment = SparkovMapping.ToEvent(record, tokenizer.Tokenize(pan.AsSpan(0, length)), new(layout.StoreOf(record.Merchant), SparkovMapping.TerminalId));
            var part = split.PartOf(record.UnixTime);
            foreach (var replay in replays)
            {
                if (record.UnixTime >= replay.From)
                {
                    replay.Fleet.ComputeAndApply(payment, features);
                    replay.Keep(part, features, AgeFeature(replay.Fleet.ProfileAgeMs), record.IsFraud);
                }
            }

            if (++read % 100_000 == 0)
            {
                log.WriteLine($"  replayed {read:N0} payments");
            }
        }

        var lagZero = atLag.FirstOrDefault(r => r.Name == "lag 0s");
        var models = new List<(string Name, Replay Train, int Width)>
        {
            ("drawn lags, without age", mixed, FeatureSchema.Count),
            ("drawn lags, with age", mixed, FeatureSchema.Count + 1),
        };
        if (lagZero is not null)
        {
            models.Add(("lag 0, without age", lagZero, FeatureSchema.Count));
        }

        var results = new List<ProfileAgeResult>();
        foreach (var (name, train, width) in models)
        {
            log.WriteLine($"  training '{name}' on {train.Train.Labels.Count:N0} rows ({train.Name}), {width} inputs");
            var scores = TrainAndScore(train.Train, width, replays.Select(r => r.Test).ToList(), settings);
            for (var i = 0; i < replays.Length; i++)
            {
                var labels = replays[i].Test.Labels.ToArray();
                results.Add(new ProfileAgeResult(name, replays[i].Name, labels.Length, labels.Count(l => l),
                    RocAuc.Compute(scores[i], labels), AveragePrecision.Compute(scores[i], labels), FlaggedAtRecall(scores[i], labels, 0.95)));
            }
        }

        return results;
    }

    /// <summary>The share of payments flagged, highest scores first, to catch <paramref name="recall"/> of the fraud (ties included).</summary>
    public static double FlaggedAtRecall(float[] scores, bool[] labels, double recall)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        var frauds = labels.Count(l => l);
        if (frauds == 0)
        {
            return double.NaN;
        }

        var needed = (int)Math.Ceiling(recall * frauds);
        var fraudScores = scores.Where((_, i) => labels[i]).OrderDescending().ToArray();
        var threshold = fraudScores[needed - 1];
        return (double)scores.Count(s => s >= threshold) / scores.Length;
    }

    private static List<float[]> TrainAndScore(Rows train, int width, IReadOnlyList<Rows> tests, GbtSettings settings)
    {
        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(LabelledFeatures));
        schema[DataViews.FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var model = ml.BinaryClassification.Trainers.LightGbm(GbtTrainer.Options(settings)).Fit(ml.Data.LoadFromEnumerable(train.Labelled(width), schema));
        return [.. tests.Select(test => model.Transform(ml.Data.LoadFromEnumerable(test.Labelled(width), schema)).GetColumn<float>("Probability").ToArray())];
    }

    /// <summary>One replay of the fleet layout: its agents' features, and the rows it keeps of the training and test months.</summary>
    private sealed class Replay(string name, FleetFeatures fleet, long from)
    {
        public string Name { get; } = name;

        public FleetFeatures Fleet { get; } = fleet;

        /// <summary>The first payment time (Unix seconds) it replays.</summary>
        public long From { get; } = from;

        public Rows Train { get; } = new();

        public Rows Test { get; } = new();

        public void Keep(DataPart part, ReadOnlySpan<float> features, float age, bool fraud)
        {
            var rows = part switch
            {
                DataPart.Train => Train,
                DataPart.Test => Test,
                _ => null,
            };
            rows?.Add(features, age, fraud);
        }
    }

    /// <summary>Rows of the 22 features and the profile's age.</summary>
    private sealed class Rows
    {
        private static readonly int Stride = FeatureSchema.Count + 1;
        private readonly List<float> _values = [];

        public List<bool> Labels { get; } = [];

        public void Add(ReadOnlySpan<float> features, float age, bool fraud)
        {
            foreach (var f in features)
            {
                _values.Add(f);
            }

            _values.Add(age);
            Labels.Add(fraud);
        }

        /// <summary>Each row's first <paramref name="width"/> inputs: the 22 features, and the age when 23.</summary>
        public IEnumerable<LabelledFeatures> Labelled(int width)
        {
            for (var i = 0; i < Labels.Count; i++)
            {
                yield return new LabelledFeatures { Features = _values.GetRange(i * Stride, width).ToArray(), Label = Labels[i] };
            }
        }
    }
}
