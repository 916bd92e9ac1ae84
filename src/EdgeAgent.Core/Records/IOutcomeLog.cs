namespace EdgeAgent.Core.Records;

/// <summary>
/// The record read as an ordered log: everything recorded after a sequence number, and a signal when more is
/// committed. What leaves the node (the cloud sync) reads it from a checkpoint; it never slows the pipeline down.
/// </summary>
public interface IOutcomeLog
{
    /// <summary>Sequence number of the last committed outcome.</summary>
    long LastSequence { get; }

    /// <summary>Raised on the commit loop after each commit, with the last sequence committed. Handlers must not block.</summary>
    event Action<long>? Committed;

    /// <summary>At most <paramref name="max"/> outcomes (scored and rejected) after <paramref name="sequence"/>, in order.</summary>
    IReadOnlyList<RecordedOutcome> ReadAfter(long sequence, int max);

    /// <summary>Deletes what is no longer needed at or below <paramref name="sequence"/>; returns how many outcomes were removed.</summary>
    int DeleteUpTo(long sequence);
}
