namespace EdgeAgent.Training.Data;

/// <summary>The feature rows of each period, and what the replay saw on the way.</summary>
/// <param name="Train">Rows of the training period.</param>
/// <param name="Validation">Rows of the validation period.</param>
/// <param name="Test">Rows of the test period.</param>
/// <param name="Rows">Rows replayed, those outside every period included.</param>
/// <param name="Cards">Distinct card tokens.</param>
/// <param name="OutOfOrder">Rows older than the row before them (the data should be sorted by time).</param>
public sealed record ReplayResult(
    FeatureMatrix Train,
    FeatureMatrix Validation,
    FeatureMatrix Test,
    long Rows,
    int Cards,
    long OutOfOrder);
