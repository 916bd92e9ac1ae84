using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Metrics;
using EdgeAgent.Training.Onnx;

namespace EdgeAgent.Training.Assessment;

/// <summary>
/// Measures a model in every layout. Split by time: the thresholds are chosen once, on the validation month of the
/// training layout, and the same thresholds are checked on the validation and test months of every layout. Split by
/// cardholder: a twin trained without the held-out cards chooses its own thresholds on the other cards' validation
/// month and is measured on the held-out cards alone. The test months choose nothing.
/// </summary>
public static class ModelAssessor
{
    public static ModelAssessment Assess(byte[] model, byte[]? cardholderTwin, LayoutData data, double reviewRate, double declineRate)
    {
        var training = data.Training;
        if (training.Validation.Rows == 0 || training.Test.Rows == 0)
        {
            throw new InvalidOperationException($"The data has {training.Validation.Rows} rows in validation {data.Split.Validation} and {training.Test.Rows} in test {data.Split.Test}; both are needed.");
        }

        using var scorer = new OnnxBatchScorer(model);
        var validationPeriod = "validation " + data.Split.Validation;
        var testPeriod = "test " + data.Split.Test;
        var validationScores = scorer.Score(training.Validation);
        var thresholds = ThresholdChooser.Choose(validationScores, training.Validation.Labels, validationPeriod, reviewRate, declineRate);

        var layouts = new List<LayoutMetrics>();
        var sameRecall = new List<SameRecallAlerts>();
        float[] testScores = [];
        for (var i = 0; i < data.Layouts.Count; i++)
        {
            var replay = data.Replays[i];
            var validation = i == 0 ? validationScores : scorer.Score(replay.Validation);
            var test = scorer.Score(replay.Test);
            testScores = i == 0 ? test : testScores;
            layouts.Add(new LayoutMetrics
            {
                Layout = data.Layouts[i].Name,
                Description = data.Layouts[i].Description,
                Split = LayoutMetrics.TimeSplit,
                Validation = Evaluate(validationPeriod, validation, replay.Validation, thresholds),
                Test = Evaluate(testPeriod, test, replay.Test, thresholds),
            });
            AddSameRecall(sameRecall, data.Layouts[i].Name, LayoutMetrics.TimeSplit, layouts[0].Test, test, replay.Test);
        }

        if (cardholderTwin is not null)
        {
            layouts.AddRange(AssessTwin(cardholderTwin, data, reviewRate, declineRate, sameRecall));
        }

        var trainScores = scorer.Score(training.Train);
        return new ModelAssessment(
            thresholds,
            layouts[0].Validation ?? throw new InvalidOperationException($"The {validationPeriod} rows need frauds and genuine payments."),
            layouts[0].Test ?? throw new InvalidOperationException($"The {testPeriod} rows need frauds and genuine payments."),
            layouts,
            ReferenceBuilder.Build("train " + data.Split.Train, training.Train, trainScores, validationPeriod, training.Validation, validationScores, thresholds.Review),
            testScores)
        {
            SameRecall = sameRecall,
        };
    }

    private static void AddSameRecall(List<SameRecallAlerts> to, string layout, string split, EvaluationMetrics? reference, float[] scores, FeatureMatrix rows)
    {
        if (reference is { RecallAtReview: > 0 and var recall } && rows.Frauds > 0)
        {
            to.Add(new SameRecallAlerts(layout, split, recall, AlertRates.AtRecall(scores, rows.Labels, recall)));
        }
    }

    private static IEnumerable<LayoutMetrics> AssessTwin(byte[] twin, LayoutData data, double reviewRate, double declineRate, List<SameRecallAlerts> sameRecall)
    {
        EvaluationMetrics? reference = null;
        using var scorer = new OnnxBatchScorer(twin);
        var seen = data.ValidationSeenCards;
        var chosenOn = $"validation {data.Split.Validation}, cards not held out";
        var thresholds = ThresholdChooser.Choose(scorer.Score(seen), seen.Labels, chosenOn, reviewRate, declineRate);
        for (var i = 0; i < data.Layouts.Count; i++)
        {
            var validation = data.Replays[i].Validation.Cards(heldOut: true);
            var test = data.Replays[i].Test.Cards(heldOut: true);
            var testScores = scorer.Score(test);
            var metrics = new LayoutMetrics
            {
                Layout = data.Layouts[i].Name,
                Description = data.Layouts[i].Description,
                Split = LayoutMetrics.CardholderSplit,
                Thresholds = thresholds,
                Validation = Evaluate($"validation {data.Split.Validation}, held-out cards", scorer.Score(validation), validation, thresholds),
                Test = Evaluate($"test {data.Split.Test}, held-out cards", testScores, test, thresholds),
            };
            reference = i == 0 ? metrics.Test : reference;
            AddSameRecall(sameRecall, metrics.Layout, metrics.Split, reference, testScores, test);
            yield return metrics;
        }
    }

    /// <summary>Every metric of one period; null when the rows lack frauds or genuine payments (no ranking to measure).</summary>
    public static EvaluationMetrics? Evaluate(string period, float[] scores, FeatureMatrix rows, ThresholdSpec thresholds)
    {
        var frauds = rows.Frauds;
        return frauds == 0 || frauds == rows.Rows ? null : PeriodEvaluator.Evaluate(period, scores, rows.Labels, thresholds);
    }
}
