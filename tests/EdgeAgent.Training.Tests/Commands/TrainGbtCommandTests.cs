using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Commands;
using EdgeAgent.Training.Data;
using Xunit;

namespace EdgeAgent.Training.Tests.Commands;

public sealed class TrainGbtCommandTests
{
    [Fact]
    public void Trains_exports_and_writes_a_card_that_matches_the_file()
    {
        using var folder = new TempDirectory();
        SyntheticCsv.Write(folder.File("year.csv.gz"), SyntheticCsv.Year(cards: 40, seed: 5));
        var output = folder.File("models");
        using var log = new StringWriter();

        var exit = CommandRunner.Run(
            ["train-gbt", "--data", folder.File("year.csv.gz"), "--out", output, "--trees", "20", "--leaves", "8", "--min-leaf-rows", "5", "--version", "0.0.1", "--review-rate", "0.01", "--decline-rate", "0.002"],
            log,
            log);

        Assert.True(exit == 0, log.ToString());
        var card = ModelCardJson.Parse(File.ReadAllText(Path.Combine(output, "fraud-gbt-0.0.1.card.json")));
        var onnx = File.ReadAllBytes(Path.Combine(output, card.File));
        Assert.Equal("fraud-gbt-0.0.1.onnx", card.File);
        Assert.Equal(DataFiles.Sha256Of(onnx), card.Sha256);
        Assert.Equal(onnx.Length, card.SizeBytes);
        Assert.Empty(ModelCardCheck.AgainstFeatureSchema(card));
        Assert.Equal("probability", card.Output.Name);
        Assert.Equal(DataFiles.Sha256Of(folder.File("year.csv.gz")), card.Lineage?.DataSha256);
        Assert.EndsWith("--trees 20 --leaves 8 --min-leaf-rows 5 --version 0.0.1 --review-rate 0.01 --decline-rate 0.002", card.Lineage?.Command, StringComparison.Ordinal);
        Assert.Equal("validation 2023-10", card.Thresholds.ChosenOn);
        Assert.InRange(card.Thresholds.ReviewAlertRate, 0.01, 0.02);
        Assert.True(card.Metrics?.Test?.Frauds > 0);
        Assert.True(card.Metrics?.Test?.RocAuc > 0.9, log.ToString());
    }

    [Theory]
    [InlineData("train-gbt", "--out", "x")]
    [InlineData("train-gbt", "--data", "/nonexistent.csv", "--out", "x")]
    [InlineData("train-gbt", "--data", "d", "--out", "x", "--validation", "2023-08")]
    [InlineData("train-gbt", "--data", "d", "--out", "x", "--tress", "4")]
    [InlineData("fly")]
    [InlineData]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        Assert.Equal(2, CommandRunner.Run(args, TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void Help_exits_with_zero()
    {
        Assert.Equal(0, CommandRunner.Run(["--help"], TextWriter.Null, TextWriter.Null));
    }
}
