using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;
using EdgeAgent.Training.Quantization;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>quantize</c>: int8 twin of a float ONNX MLP. Replays the data through the agent's feature code,
/// calibrates activation ranges on a seeded sample of training-month rows, quantizes, loads the result in
/// ONNX Runtime with the agent's settings, measures it on the validation and test months as any model is
/// measured, compares it with its float twin, and writes it with its card.
/// </summary>
public static class QuantizeCommand
{
    public const string StaticKind = "mlp-int8-qdq";

    public static int Run(QuantizeOptions options, string command, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var floatModel = File.ReadAllBytes(options.Model);
        var floatSha256 = DataFiles.Sha256Of(floatModel);
        var parent = ParentOf(options.Model, floatSha256);
        OnnxQuantizer.Check(floatModel, options.Settings, Path.GetFileName(options.Model));
        var data = LayoutData.Load(options.Data, options.Split, options.Layouts, new CardSplit(0, CardSplit.DefaultSeed));
        var replay = data.Training;
        CommandLog.Line(log, $"replayed {replay.Rows} rows in {data.Layouts.Count} layouts in {clock.Elapsed.TotalSeconds:F1} s; train {replay.Train.Rows}, validation {replay.Validation.Rows}, test {replay.Test.Rows} rows");

        var calibration = Sample(replay.Train, options.CalibrationRows, options.Seed);
        if (calibration.Rows == 0)
        {
            throw new InvalidDataException($"The data has no rows in the training months {options.Split.Train} to calibrate on.");
        }

        var quantizeClock = Stopwatch.StartNew();
        var result = OnnxQuantizer.Quantize(floatModel, calibration, options.Settings, Path.GetFileName(options.Model));
        CommandLog.Line(log, $"quantized {result.Layers} layers ({result.FusedRelus} ReLUs folded into output quantization) of {parent}: {options.Settings.Describe()}; {floatModel.Length} → {result.Onnx.Length} bytes ({result.Onnx.Length / (double)floatModel.Length:P1}) in {quantizeClock.Elapsed.TotalSeconds:F2} s");
        foreach (var range in result.Ranges)
        {
            CommandLog.Line(log, $"  activation {range.Tensor}: [{range.Low:G5}, {range.High:G5}] on {calibration.Rows} rows");
        }

        using var scorer = new OnnxBatchScorer(result.Onnx);
        CommandLog.Line(log, $"ONNX Runtime loads it: {scorer.Contract}; optimized graph: {OptimizedGraph.Operators(result.Onnx)}");
        // Split by time only: a cardholder split needs the float model's twin, which this command does not have.
        var evaluation = ModelAssessor.Assess(result.Onnx, null, data, options.ReviewRate, options.DeclineRate);
        using var floatScorer = new OnnxBatchScorer(floatModel);
        var (max, mean) = Differences(evaluation.TestScores, floatScorer.Score(replay.Test));
        CommandLog.Line(log, $"int8 vs float on {replay.Test.Rows} test rows: max |Δp| = {max:G3}, mean |Δp| = {mean:G3}");

        var run = new ModelRun
        {
            Name = options.Name,
            Version = options.Version,
            Kind = StaticKind,
            Onnx = result.Onnx,
            Contract = scorer.Contract,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"int8 twin of {parent} ({Path.GetFileName(options.Model)}, {floatModel.Length} bytes, sha256 {floatSha256}): {options.Settings.Describe()}; {result.Layers} layers quantized. Probabilities differ from the float model's by at most {max:G3} (mean {mean:G3}) on {replay.Test.Rows} test rows."),
            Split = options.Split,
            DataFile = Path.GetFileName(options.Data),
            DataSha256 = DataFiles.Sha256Of(options.Data),
            Seed = options.Seed,
            Command = command,
            Trainer = string.Create(
                CultureInfo.InvariantCulture,
                $"EdgeAgent.Training quantizer: {options.Settings.Describe()}; {calibration.Rows} calibration rows drawn with seed {options.Seed} from {options.Split.Train}"),
            Parent = parent,
            Evaluation = evaluation,
            CreatedAt = DateTimeOffset.UtcNow,
        };

        var path = ModelCards.Write(run, Path.GetDirectoryName(Path.GetFullPath(options.Out)) ?? ".", options.SigningKey);
        CommandLog.Assessment(log, evaluation);
        CommandLog.Line(log, $"wrote {path} and {run.CardFileName} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>
    /// <paramref name="rows"/> training rows drawn without replacement with <paramref name="seed"/>, kept in
    /// time order: the calibration sees every part of the training months, not only the first weeks.
    /// </summary>
    public static FeatureMatrix Sample(FeatureMatrix train, int rows, int seed)
    {
        var order = Enumerable.Range(0, train.Rows).ToArray();
        new Random(seed).Shuffle(order);
        var chosen = order.Take(rows).Order().ToArray();
        var values = new float[chosen.Length * FeatureMatrix.Width];
        var labels = new bool[chosen.Length];
        for (var i = 0; i < chosen.Length; i++)
        {
            train.Row(chosen[i]).CopyTo(values.AsSpan(i * FeatureMatrix.Width));
            labels[i] = train.Labels[chosen[i]];
        }

        return new FeatureMatrix(values, labels);
    }

    /// <summary>The float model as its card names it (<c>name@version</c>), or its file name without a card.</summary>
    private static string ParentOf(string model, string sha256)
    {
        var cardPath = Path.Combine(Path.GetDirectoryName(model) ?? ".", Path.GetFileNameWithoutExtension(model) + ".card.json");
        if (!File.Exists(cardPath))
        {
            return Path.GetFileName(model);
        }

        var card = ModelCardJson.Parse(File.ReadAllText(cardPath));
        if (!string.Equals(card.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The card {cardPath} names sha256 {card.Sha256}, but {model} has {sha256}: the model is not the one the card describes.");
        }

        return card.Identity.ToString();
    }

    private static (double Max, double Mean) Differences(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - (double)b[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, a.Length == 0 ? 0 : sum / a.Length);
    }
}
