using System.CommandLine;
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
    /// <summary>The <c>quantize</c> command and its options.</summary>
    public static Command Command()
    {
        var command = new Command("quantize", "makes the int8 twin of a float ONNX MLP, measures it and writes it with its card");
        var model = TrainingOption.ExistingFile("--model", "the float ONNX model");
        command.Options.Add(model);
        var output = TrainingOption.Required("--out", "the file to write: <folder>/<name>-<version>.onnx");
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && !FileName().IsMatch(Path.GetFileName(path)))
            {
                result.AddError($"--out must name a file <name>-<version>.onnx (e.g. models/fraud-mlp-int8-1.0.0.onnx); got '{path}'.");
            }
        });
        command.Options.Add(output);
        CommonOptions.AddData(command, "--calibration");
        var method = TrainingOption.Text("--method", "minmax", "how activation ranges are calibrated");
        method.AcceptOnlyFromAmong("minmax", "percentile");
        command.Options.Add(method);
        command.Options.Add(TrainingOption.Real("--percentile", new QuantizerSettings().Percentile, "the percentile of the percentile method"));
        command.Options.Add(TrainingOption.Whole("--calibration-rows", 10_000, "training rows drawn to calibrate on"));
        command.Options.Add(TrainingOption.Whole("--seed", 42, "the seed that draws the calibration rows"));
        CommonOptions.AddSplit(command);
        StoreLayouts.AddOptions(command);
        CommonOptions.AddAlertRates(command);
        CommonOptions.AddSigningKey(command);
        return command;
    }

    public static QuantizeOptions From(ParseResult args)
    {
        var model = args.GetValue<string>("--model")!;
        var output = args.GetValue<string>("--out")!;
        var data = CommonOptions.DataFile(args, "--calibration");
        var method = args.GetValue<string>("--method") == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax;
        var percentile = args.GetValue<double>("--percentile");
        var rows = args.GetValue<int>("--calibration-rows");
        var seed = args.GetValue<int>("--seed");
        var split = CommonOptions.Split(args);
        var layouts = StoreLayouts.Parse(args, split);
        var (review, decline) = CommonOptions.AlertRates(args);
        var signingKey = CommonOptions.SigningKey(args);
        if (rows < 1 || percentile is <= 50 or > 100)
        {
            throw new ArgumentException("--calibration-rows ≥ 1 and 50 < --percentile ≤ 100 are required.");
        }

        var match = FileName().Match(Path.GetFileName(output));
        var settings = new QuantizerSettings { Method = method, Percentile = percentile };
        return new QuantizeOptions(model, output, match.Groups["name"].Value, match.Groups["version"].Value, data, settings, rows, seed, split, layouts, review, decline, signingKey);
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_.\-]+?)-(?<version>\d+\.\d+\.\d+[A-Za-z0-9.\-]*)\.onnx$")]
    private static partial Regex FileName();
}
