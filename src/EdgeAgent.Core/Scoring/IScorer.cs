namespace EdgeAgent.Core.Scoring;

/// <summary>
/// Scores a batch of feature vectors. Implementations reuse their buffers between calls, so a scorer is
/// used by one scoring loop at a time.
/// </summary>
public interface IScorer
{
    /// <summary>The model that scores.</summary>
    ModelIdentity Model { get; }

    /// <summary>Thresholds that came with the model.</summary>
    DecisionThresholds Thresholds { get; }

    /// <summary>Largest batch one call takes.</summary>
    int MaxBatchSize { get; }

    /// <summary>Where the caller writes <c>rows × FeatureSchema.Count</c> features before calling <see cref="Score"/>.</summary>
    Span<float> InputRows(int rows);

    /// <summary>Scores the rows written to <see cref="InputRows"/>; fraud probabilities in [0, 1] go to <paramref name="scores"/>.</summary>
    void Score(int rows, Span<float> scores);

    /// <summary>
    /// Why row <paramref name="row"/> of the last batch given to <see cref="Score"/> scored as it did: fills up to
    /// <see cref="ReasonCodes.MaxReasons"/> reasons, the features that pushed the score up most, computed from the
    /// model itself; returns how many (0 when the model cannot explain or nothing pushed up). Call it before the
    /// next <see cref="InputRows"/>; meant for alerts only (microseconds for trees, one extra small batch for an MLP).
    /// </summary>
    int Explain(int row, Span<Reason> reasons);
}
