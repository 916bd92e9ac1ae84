namespace EdgeAgent.Core.Scoring;

/// <summary>
/// How a model did in one store layout (how a site's payments are spread over stores and terminals), under one
/// split: <c>time</c> (the model itself, thresholds from the card, measured on the later months) or
/// <c>cardholder</c> (a twin trained the same way without a share of the cards, with its own thresholds chosen on
/// its own validation rows, measured on the held-out cards alone).
/// </summary>
public sealed class LayoutMetrics
{
    /// <summary>Split by time only.</summary>
    public const string TimeSplit = "time";

    /// <summary>Split by time and by cardholder.</summary>
    public const string CardholderSplit = "cardholder";

    /// <summary>Layout name, e.g. <c>shared-terminals</c>.</summary>
    public required string Layout { get; init; }

    /// <summary>What the layout is, in one line.</summary>
    public string? Description { get; init; }

    /// <summary><see cref="TimeSplit"/> or <see cref="CardholderSplit"/>.</summary>
    public required string Split { get; init; }

    /// <summary>For the cardholder split, the twin's own thresholds; the card's thresholds otherwise (left out).</summary>
    public ThresholdSpec? Thresholds { get; init; }

    /// <summary>On the validation month.</summary>
    public EvaluationMetrics? Validation { get; init; }

    /// <summary>On the test months.</summary>
    public EvaluationMetrics? Test { get; init; }
}
