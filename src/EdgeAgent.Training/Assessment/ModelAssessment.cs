using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Training.Assessment;

/// <summary>What a model's card reports, all measured on its ONNX file in ONNX Runtime.</summary>
/// <param name="Thresholds">Chosen on the validation month of the training layout, all cards.</param>
/// <param name="Validation">The validation month of the training layout, all cards.</param>
/// <param name="Test">The test months of the training layout, all cards.</param>
/// <param name="Layouts">Every layout, split by time and (when a twin was given) by cardholder.</param>
/// <param name="Reference">The training months' distributions for the drift watch.</param>
/// <param name="TestScores">The model's scores on <paramref name="Test"/>'s rows, in row order.</param>
public sealed record ModelAssessment(
    ThresholdSpec Thresholds,
    EvaluationMetrics Validation,
    EvaluationMetrics Test,
    IReadOnlyList<LayoutMetrics> Layouts,
    ModelReference Reference,
    float[] TestScores)
{
    /// <summary>
    /// Per layout and split, the test months' alerts at the recall that the training layout reaches at the review
    /// threshold: what each deployment must flag to catch as much fraud as the one the model was made for.
    /// </summary>
    public IReadOnlyList<SameRecallAlerts> SameRecall { get; init; } = [];
}

/// <summary>What one layout's test months flag at <paramref name="Recall"/> (the training layout's recall at review).</summary>
public sealed record SameRecallAlerts(string Layout, string Split, double Recall, Metrics.AlertOutcome Outcome);
