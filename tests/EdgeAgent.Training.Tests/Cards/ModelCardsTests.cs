using EdgeAgent.Core.Features;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Commands;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Onnx;
using Xunit;

namespace EdgeAgent.Training.Tests.Cards;

public sealed class ModelCardsTests
{
    [Fact]
    public void Card_describes_the_file_and_passes_the_agents_check()
    {
        var card = ModelCards.From(Run(new ThresholdSpec { Review = 0.9, Decline = 0.99, ChosenOn = "validation 2023-10" }));

        Assert.Equal("fraud-gbt", card.Name);
        Assert.Equal("fraud-gbt-1.0.0.onnx", card.File);
        Assert.Equal("gradient-boosted-trees", card.Kind);
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", card.Sha256);
        Assert.Equal(DataFiles.Sha256Of([1, 2, 3]), card.Sha256);
        Assert.Equal(3, card.SizeBytes);
        Assert.Equal(FeatureSchema.Names, card.Features.Names);
        Assert.Equal("features", card.Input.Name);
        Assert.Equal([-1L, 22L], card.Input.Shape);
        Assert.Equal(0, card.Output.ScoreColumn);
        Assert.Empty(ModelCardCheck.AgainstFeatureSchema(card));
    }

    [Fact]
    public void Card_round_trips_through_json_with_its_lineage()
    {
        var json = ModelCardJson.Write(ModelCards.From(Run(new ThresholdSpec { Review = 0.9, Decline = 0.99 })));
        var card = ModelCardJson.Parse(json);

        Assert.Equal("2023-01..2023-09", card.Lineage?.TrainPeriod);
        Assert.Equal("2023-10", card.Lineage?.ValidationPeriod);
        Assert.Equal("2023-11..2023-12", card.Lineage?.TestPeriod);
        Assert.Equal(42, card.Lineage?.Seed);
        Assert.Equal("2024-01-02T03:04:05Z", card.Lineage?.CreatedAt);
        Assert.Equal("transactions.csv.gz", card.Lineage?.Data);
        Assert.Contains("LightGbm", card.Lineage?.Trainer, StringComparison.Ordinal);
        Assert.Equal(0.9, card.Thresholds.Review);
        Assert.Equal(0.75, card.Metrics?.Test?.RocAuc);
        Assert.Equal("one-terminal-per-merchant", Assert.Single(card.Metrics!.Layouts!).Layout);
        Assert.Equal([0.9, 0.1], card.Reference!.Score.Shares);
    }

    [Fact]
    public void A_card_the_agent_would_refuse_is_not_written()
    {
        Assert.Throws<InvalidOperationException>(() => ModelCards.From(Run(new ThresholdSpec { Review = 0.99, Decline = 0.9 })));
    }

    private static ModelRun Run(ThresholdSpec thresholds) => new()
    {
        Name = "fraud-gbt",
        Version = "1.0.0",
        Kind = TrainGbtCommand.Kind,
        Onnx = [1, 2, 3],
        Contract = new OnnxContract("features", [-1, 22], "probability", [-1, 1]),
        Description = "trees",
        Split = TimeSplit.Default,
        DataFile = "transactions.csv.gz",
        DataSha256 = new string('0', 64),
        Seed = 42,
        Command = "dotnet run --project src/EdgeAgent.Training -c Release -- train-gbt",
        Trainer = "ML.NET LightGbm binary trainer",
        Evaluation = new ModelAssessment(
            thresholds,
            new EvaluationMetrics { Period = "validation 2023-10", RocAuc = 0.8 },
            new EvaluationMetrics { Period = "test 2023-11..2023-12", RocAuc = 0.75 },
            [new LayoutMetrics { Layout = "one-terminal-per-merchant", Split = LayoutMetrics.TimeSplit, Test = new EvaluationMetrics { Period = "test", RocAuc = 0.75 } }],
            new ModelReference
            {
                Period = "train 2023-01..2023-09",
                Score = new BinnedDistribution { Edges = [0.5f], Shares = [0.9, 0.1] },
                Features = [],
                Baseline = new float[22],
            },
            []),
        CreatedAt = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };
}
