using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Commands;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Tests.Quantization;
using Xunit;

namespace EdgeAgent.Training.Tests.Commands;

public sealed class MlpCommandsTests
{
    [Fact]
    public void Train_quantize_and_evaluate_write_models_cards_and_one_report()
    {
        using var folder = new TempDirectory();
        var data = folder.File("year.csv.gz");
        SyntheticCsv.Write(data, SyntheticCsv.Year(cards: 40, seed: 5));
        var models = folder.File("models");
        using var log = new StringWriter();

        var trained = CommandRunner.Run(["train-mlp", "--data", data, "--out", models, "--epochs", "3", "--learning-rate", "0.003"], log, log);
        Assert.True(trained == 0, log.ToString());
        var quantized = CommandRunner.Run(
            ["quantize", "--model", Path.Combine(models, "fraud-mlp-1.0.0.onnx"), "--out", Path.Combine(models, "fraud-mlp-int8-1.0.0.onnx"), "--calibration", data, "--calibration-rows", "2000"],
            log,
            log);
        Assert.True(quantized == 0, log.ToString());

        var mlp = ReadCard(models, "fraud-mlp-1.0.0");
        var int8 = ReadCard(models, "fraud-mlp-int8-1.0.0");
        Assert.Equal("mlp", mlp.Kind);
        Assert.Equal("mlp-int8-qdq", int8.Kind);
        Assert.Equal("fraud-mlp@1.0.0", int8.Lineage?.Parent);
        Assert.Contains(mlp.Sha256, int8.Description, StringComparison.Ordinal);
        foreach (var (card, name) in new[] { (mlp, "fraud-mlp-1.0.0"), (int8, "fraud-mlp-int8-1.0.0") })
        {
            var onnx = File.ReadAllBytes(Path.Combine(models, card.File));
            Assert.Equal(name + ".onnx", card.File);
            Assert.Equal(DataFiles.Sha256Of(onnx), card.Sha256);
            Assert.Equal(onnx.Length, card.SizeBytes);
            Assert.Empty(ModelCardCheck.AgainstFeatureSchema(card));
            Assert.Equal("validation 2023-10", card.Thresholds.ChosenOn);
            Assert.Equal(DataFiles.Sha256Of(data), card.Lineage?.DataSha256);
            Assert.True(card.Metrics?.Test?.RocAuc > 0.9, log.ToString());
        }

        Assert.True(int8.SizeBytes < mlp.SizeBytes);
        Assert.StartsWith("dotnet run --project src/EdgeAgent.Training -c Release -- quantize --model ", int8.Lineage?.Command, StringComparison.Ordinal);

        var report = folder.File("report.md");
        var evaluated = CommandRunner.Run(
            ["evaluate", "--data", data, "--models", models, "--report", report, "--seconds", "0.02", "--repeats", "1", "--latency-calls", "50", "--warm-up", "5"],
            log,
            log);
        Assert.True(evaluated == 0, log.ToString());
        var markdown = File.ReadAllText(report);
        Assert.Contains("| fraud-mlp@1.0.0 | mlp |", markdown, StringComparison.Ordinal);
        Assert.Contains("| fraud-mlp-int8@1.0.0 | mlp-int8-qdq |", markdown, StringComparison.Ordinal);
        Assert.Contains("rows/s @ batch 128", markdown, StringComparison.Ordinal);
        Assert.Contains("logical cores", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_refuses_a_model_it_cannot_quantize_with_exit_one_and_the_node()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("odd.onnx"), TinyGraphs.WithUnknownOperator());
        File.WriteAllText(folder.File("data.csv"), EdgeAgent.Sparkov.SparkovCsv.Header + "\n");
        using var error = new StringWriter();

        var exit = CommandRunner.Run(["quantize", "--model", folder.File("odd.onnx"), "--out", folder.File("odd-int8-1.0.0.onnx"), "--calibration", folder.File("data.csv")], TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("quantize refused: odd.onnx: node 'squash' is a Softsign", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("odd-int8-1.0.0.onnx")));
    }

    [Fact]
    public void Quantize_refuses_a_file_that_is_not_onnx()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("notes.onnx"), "not a model");
        File.WriteAllText(folder.File("data.csv"), EdgeAgent.Sparkov.SparkovCsv.Header + "\n");
        using var error = new StringWriter();

        var exit = CommandRunner.Run(["quantize", "--model", folder.File("notes.onnx"), "--out", folder.File("x-1.0.0.onnx"), "--calibration", folder.File("data.csv")], TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("notes.onnx is not an ONNX model", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train-mlp", "--data", "/nonexistent.csv", "--out", "x")]
    [InlineData("train-mlp", "--data", "d", "--out", "x", "--hiden1", "4")]
    [InlineData("quantize", "--model", "m.onnx", "--out", "x.onnx")]
    [InlineData("quantize", "--model", "m.onnx", "--out", "int8.onnx", "--calibration", "d", "--method", "fast")]
    [InlineData("evaluate", "--models", "models")]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        Assert.Equal(2, CommandRunner.Run(args, TextWriter.Null, TextWriter.Null));
    }

    private static ModelCard ReadCard(string folder, string name) =>
        ModelCardJson.Parse(File.ReadAllText(Path.Combine(folder, name + ".card.json")));
}
