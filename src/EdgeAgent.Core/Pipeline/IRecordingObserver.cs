namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Told, on the pipeline's loops, when a message is about to be scored, when a batch has been answered (not yet recorded)
/// and when a group of batches has been committed (not yet acknowledged). The agent's fault injection, in test builds only,
/// uses these points to prove crash safety.
/// </summary>
public interface IRecordingObserver
{
    /// <summary>A message is about to be scored.</summary>
    void Scoring(string? transactionId);

    /// <summary>A batch has been answered, not yet recorded.</summary>
    void Answered(ScoredBatch batch);

    /// <summary>A group of batches has been committed, not yet acknowledged.</summary>
    void Committed(IReadOnlyList<ScoredBatch> batches);
}
