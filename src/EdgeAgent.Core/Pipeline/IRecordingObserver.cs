namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Told, on the pipeline's loops, when a batch has been answered (the broker took the answers; not yet
/// recorded) and when a group of batches has been committed (not yet acknowledged). The agent's fault injection
/// uses these points to prove crash safety.
/// </summary>
public interface IRecordingObserver
{
    void Answered(OutcomeBatch batch);

    void Committed(IReadOnlyList<OutcomeBatch> batches);
}
