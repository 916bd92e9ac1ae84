using System.Text.RegularExpressions;
using EdgeAgent.Training.Cli;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Layouts;
using EdgeAgent.Training.Quantization;

namespace EdgeAgent.Training.Commands;

/// <summary>What <c>quantize</c> was asked to do.</summary>
public sealed partial record QuantizeOptions(
    string Model,
    string Out,
    string Name,
    string Version,
    string Data,
    QuantizerSettings Settings,
    int CalibrationRows,
    int Seed,
    TimeSplit Split,
    IReadOnlyList<StoreLayout> Layouts,
    double ReviewRate,
    double DeclineRate,
    string? SigningKey = null)
{
    public static QuantizeOptions From(CommandArguments args)
    {
        var model = args.Required("model");
        var output = args.Required("out");
        var data = CommonOptions.DataFile(args, "calibration");
        var method = args.Parsed("method", CalibrationMethod.MinMax, ParseMethod);
        var percentile = args.Real("percentile", new QuantizerSettings().Percentile);
        var rows = args.Whole("calibration-rows", 10_000);
        var seed = args.Whole("seed", 42);
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var (review, decline) = CommonOptions.AlertRates(args);
        var signingKey = CommonOptions.SigningKey(args);
        args.EnsureAllRead();
        if (!File.Exists(model))
        {
            throw new UsageException($"No model at '{model}'.");
        }

        if (rows < 1 || percentile is <= 50 or > 100)
        {
            throw new UsageException("--calibration-rows ≥ 1 and 50 < --percentile ≤ 100 are required.");
        }

        var match = FileName().Match(Path.GetFileName(output));
        if (!match.Success)
        {
            throw new UsageException($"--out must name a file <name>-<version>.onnx (e.g. models/fraud-mlp-int8-1.0.0.onnx); got '{output}'.");
        }

        var settings = new QuantizerSettings { Method = method, Percentile = percentile };
        return new QuantizeOptions(model, output, match.Groups["name"].Value, match.Groups["version"].Value, data, settings, rows, seed, split, layouts, review, decline, signingKey);
    }

    private static CalibrationMethod ParseMethod(string text) => text switch
    {
        "minmax" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        _ => throw new FormatException("expected minmax or percentile"),
    };

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_.\-]+?)-(?<version>\d+\.\d+\.\d+[A-Za-z0-9.\-]*)\.onnx$")]
    private static partial Regex FileName();
}
