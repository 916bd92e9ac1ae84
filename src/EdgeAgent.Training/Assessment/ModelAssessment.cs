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
    float[] TestScores);
