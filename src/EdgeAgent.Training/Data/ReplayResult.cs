namespace EdgeAgent.Training.Data;

/// <summary>The feature rows of each period in one layout, and what the replay saw on the way.</summary>
/// <param name="Layout">Name of the store layout the rows were replayed in.</param>
/// <param name="Train">Rows of the training period (empty when the replay kept only the later periods).</param>
/// <param name="Validation">Rows of the validation period.</param>
/// <param name="Test">Rows of the test period.</param>
/// <param name="Rows">Rows replayed, those outside every period included.</param>
/// <param name="Cards">Distinct card tokens.</param>
/// <param name="OutOfOrder">Rows older than the row before them (the data should be sorted by time).</param>
public sealed record ReplayResult(
    string Layout,
    FeatureMatrix Train,
    FeatureMatrix Validation,
    FeatureMatrix Test,
    long Rows,
    int Cards,
    long OutOfOrder);
