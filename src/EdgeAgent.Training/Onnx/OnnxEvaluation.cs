using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Data;
using EdgeAgent.Training.Metrics;

namespace EdgeAgent.Training.Onnx;

/// <summary>
/// Thresholds and metrics of an ONNX file, measured in ONNX Runtime: thresholds chosen on the validation
/// period by alert rate, every metric of both periods computed from the file's own scores.
/// </summary>
public sealed record OnnxEvaluation(ThresholdSpec Thresholds, EvaluationMetrics Validation, EvaluationMetrics Test, float[] TestScores)
{
    public static OnnxEvaluation Of(OnnxBatchScorer scorer, ReplayResult replay, TimeSplit split, double reviewRate, double declineRate)
    {
        if (replay.Validation.Rows == 0 || replay.Test.Rows == 0)
        {
            throw new InvalidOperationException($"The data has {replay.Validation.Rows} rows in validation {split.Validation} and {replay.Test.Rows} in test {split.Test}; both are needed.");
        }

        var validationScores = scorer.Score(replay.Validation);
        var testScores = scorer.Score(replay.Test);
        var chosenOn = "validation " + split.Validation;
        var thresholds = ThresholdChooser.Choose(validationScores, replay.Validation.Labels, chosenOn, reviewRate, declineRate);
        return new OnnxEvaluation(
            thresholds,
            PeriodEvaluator.Evaluate(chosenOn, validationScores, replay.Validation.Labels, thresholds),
            PeriodEvaluator.Evaluate("test " + split.Test, testScores, replay.Test.Labels, thresholds),
            testScores);
    }
}
