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
}
