using EdgeAgent.Training.Commands;
using EdgeAgent.Training.Tests.Commands;
using Xunit;

namespace EdgeAgent.Training.Tests.Cli;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("train-gbt", "--tress")]
    [InlineData("train-mlp", "--hiden1")]
    [InlineData("quantize", "--calibraton-rows")]
    [InlineData("evaluate", "--repeat")]
    [InlineData("sample", "--card")]
    public void An_unknown_option_is_refused_by_name_before_anything_runs(string command, string typo)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("data.csv"), EdgeAgent.Sparkov.SparkovCsv.Header + "\n");
        File.WriteAllText(folder.File("m.onnx"), "not read");
        var dataOption = command == "quantize" ? "--calibration" : "--data";
        string[] more = command switch
        {
            "quantize" => ["--model", folder.File("m.onnx"), "--out", folder.File("out-1.0.0.onnx")],
            "evaluate" => ["--models", folder.Path],
            _ => ["--out", folder.File("out-1.0.0.onnx")],
        };
        using var error = new StringWriter();

        var exit = CommandRunner.Run([command, dataOption, folder.File("data.csv"), .. more, typo, "4"], TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains(typo, error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out-1.0.0.onnx")));
    }

    [Theory]
    [InlineData("--trees", "many")]
    [InlineData("--learning-rate", "fast")]
    [InlineData("--train", "2023-13")]
    [InlineData("--fleet-lags", "1d")]
    public void A_value_that_does_not_parse_names_its_option(string option, string value)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("data.csv"), EdgeAgent.Sparkov.SparkovCsv.Header + "\n");
        using var error = new StringWriter();

        Assert.Equal(2, CommandRunner.Run(["train-gbt", "--data", folder.File("data.csv"), "--out", folder.Path, option, value], TextWriter.Null, error));
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_option_is_named()
    {
        using var error = new StringWriter();

        Assert.Equal(2, CommandRunner.Run(["train-gbt", "--out", "x"], TextWriter.Null, error));
        Assert.Contains("--data", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train-gbt", "--trees", "400", "--leaves", "31", "--learning-rate", "0.05", "--min-leaf-rows", "50", "--l2", "--review-rate", "0.02", "--decline-rate", "0.005", "--layouts", "all", "--layout-seed", "11", "--fleet-stores", "50,500", "--fleet-lags", "0s,10s,1m,10m,1h", "--holdout-cards", "0.3", "--card-seed", "7", "--train", "2023-01..2023-09", "--validation", "2023-10", "--test", "2023-11..2023-12", "--name", "fraud-gbt", "--version", "1.0.0", "--seed", "42", "--train-layout")]
    [InlineData("train-mlp", "--hidden1", "64", "--hidden2", "32", "--embedding", "4", "--min-category-rows", "1000", "--category-dropout", "0.1", "--epochs", "30", "--patience", "5", "--batch-size", "256", "--learning-rate", "0.001", "--weight-decay", "0.0001", "--name", "fraud-mlp", "--train-layout")]
    [InlineData("quantize", "--model", "--out", "--calibration", "--method", "minmax", "--percentile", "99.999", "--calibration-rows", "10000", "--seed", "42")]
    [InlineData("evaluate", "--models", "models", "--report", "--charts", "--seconds", "--repeats", "--latency-calls", "20000", "--warm-up", "500")]
    [InlineData("sample", "--data", "--out", "--cards", "40", "--from", "2023-11-01", "--until", "--seed")]
    public void A_commands_help_lists_its_options_with_their_defaults(string command, params string[] expected)
    {
        using var output = new StringWriter();

        Assert.Equal(0, CommandRunner.Run([command, "--help"], output, TextWriter.Null));
        var help = output.ToString();
        foreach (var text in expected)
        {
            Assert.Contains(text, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_help_lists_every_command()
    {
        using var output = new StringWriter();

        Assert.Equal(0, CommandRunner.Run(["--help"], output, TextWriter.Null));
        foreach (var command in new[] { "train-gbt", "train-mlp", "quantize", "evaluate", "sample" })
        {
            Assert.Contains(command, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_left_out_take_the_documented_defaults_and_given_ones_override_them()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("data.csv"), EdgeAgent.Sparkov.SparkovCsv.Header + "\n");
        var parsed = TrainGbtOptions.Command().Parse(["--data", folder.File("data.csv"), "--out", "models", "--learning-rate=0.1", "--l2", "1.5"]);
        Assert.Empty(parsed.Errors);

        var options = TrainGbtOptions.From(parsed);

        Assert.Equal((0.1, 1.5), (options.Settings.LearningRate, options.Settings.L2Regularization));
        Assert.Equal((400, 31, 50, 42), (options.Settings.Trees, options.Settings.Leaves, options.Settings.MinimumLeafRows, options.Settings.Seed));
        Assert.Equal((0.02, 0.005), (options.ReviewRate, options.DeclineRate));
        Assert.Equal(("fraud-gbt", "1.0.0"), (options.Name, options.Version));
        Assert.Equal("2023-01..2023-09", options.Split.Train.ToString());
        Assert.Equal((0.3, 7), (options.Cards.HeldOutShare, options.Cards.Seed));
        Assert.Equal(4 + 12, options.Layouts.Count);
    }

    [Fact]
    public void The_recorded_command_quotes_only_what_needs_it()
    {
        Assert.Equal(
            "dotnet run --project src/EdgeAgent.Training -c Release -- train-gbt --data ../shared/x.csv.gz --out 'my models'",
            CommandRunner.Recorded(["train-gbt", "--data", "../shared/x.csv.gz", "--out", "my models"]));
        Assert.Equal("'it'\\''s'", CommandRunner.Quote("it's"));
        Assert.Equal("''", CommandRunner.Quote(string.Empty));
    }
}
