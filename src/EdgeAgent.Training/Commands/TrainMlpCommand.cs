using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Core.Features;
using EdgeAgent.Training.Assessment;
using EdgeAgent.Training.Cards;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Mlp;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Commands;

/// <summary>
/// <c>train-mlp</c>: replay the history through the agent's feature code, train the MLP on the training
/// months (validation loss picks the epoch), export it to ONNX, check ONNX Runtime against the trainer's own
/// forward pass, evaluate the file on the later months and write it with its card.
/// </summary>
public static class TrainMlpCommand
{
    public const string Kind = "mlp";

    /// <summary>Test rows on which the ONNX file is compared with the trainer's forward pass.</summary>
    private const int FidelityRows = 5000;

    public static int Run(TrainOptions<MlpSettings> options, string command, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var dataSha256 = DataFiles.Sha256Of(options.Data);
        var data = LayoutData.Load(options.Data, options.Split, options.Layouts, options.Cards);
        CommandLog.Line(log, $"replayed the data in {data.Layouts.Count} layouts in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var line in data.Describe())
        {
            CommandLog.Line(log, line);
        }

        var trained = Train(data.Training.Train, data.Training.Validation, options, "", log);
        var onnx = MlpOnnxExporter.Export(trained.Model);
        byte[]? twin = null;
        if (options.Cards.HeldOutShare > 0)
        {
            twin = MlpOnnxExporter.Export(Train(data.TrainSeenCards, data.ValidationSeenCards, options, "cardholder-split twin: ", log).Model);
        }

        using var scorer = new OnnxBatchScorer(onnx);
        CommandLog.Line(log, $"exported {onnx.Length} bytes: {scorer.Contract}");
        var evaluation = ModelAssessor.Assess(onnx, twin, data, options.ReviewRate, options.DeclineRate);
        var fidelity = data.Training.Test.Head(FidelityRows);
        var difference = CommandLog.MaxAbsDifference(trained.Model.Predict(fidelity), evaluation.TestScores.AsSpan(0, fidelity.Rows));
        CommandLog.Line(log, $"ONNX Runtime vs the trainer's forward pass on {fidelity.Rows} test rows: max |difference| = {difference:G3}");

        var p = trained.Model.Parameters;
        var run = new ModelRun
        {
            Name = options.Name,
            Version = options.Version,
            Kind = Kind,
            Onnx = onnx,
            Contract = scorer.Contract,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"MLP {p.InputWidth}→{p.Hidden1}→{p.Hidden2}→1 (ReLU, sigmoid output) over {FeatureSchema.Version}, standardized in the graph, mcc_index embedded ({MlpParameters.Categories}×{p.EmbeddingSize}); float32, ONNX opset {MlpOnnxExporter.Opset}. ONNX Runtime and the trainer's forward pass differ by at most {difference:G3} on {fidelity.Rows} test rows."),
            Split = options.Split,
            DataFile = Path.GetFileName(options.Data),
            DataSha256 = dataSha256,
            Seed = options.Settings.Seed,
            Command = command,
            Trainer = string.Create(
                CultureInfo.InvariantCulture,
                $"EdgeAgent.Training MLP trainer (C#, binary cross-entropy, AdamW): {options.Settings.Describe()}; kept epoch {trained.BestEpoch} of {trained.History.Count} by validation loss {trained.History[trained.BestEpoch - 1].ValidationLoss:F6}"),
            Evaluation = evaluation,
            CreatedAt = DateTimeOffset.UtcNow,
        };

        var path = ModelCards.Write(run, options.Out, options.SigningKey);
        CommandLog.Assessment(log, evaluation);
        CommandLog.Line(log, $"wrote {path} and {run.CardFileName} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static MlpTrainingResult Train(FeatureMatrix train, FeatureMatrix validation, TrainOptions<MlpSettings> options, string label, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var trained = MlpTrainer.Train(
            train,
            validation,
            options.Settings,
            e => CommandLog.Line(log, $"{label}epoch {e.Epoch}: train loss {e.TrainLoss:F6}, validation loss {e.ValidationLoss:F6} ({clock.Elapsed.TotalSeconds:F1} s)"));
        CommandLog.Line(log, $"{label}trained {options.Settings.Describe()} in {clock.Elapsed.TotalSeconds:F1} s; kept epoch {trained.BestEpoch} of {trained.History.Count}");
        return trained;
    }
}
