namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The answers written ahead of the record. The scoring loop appends each batch as soon as it is answered, before the
/// record loop commits it; a crash of the process in between leaves the journal intact (it is memory-mapped: the
/// operating system keeps what was written), and the next start records what the journal holds beyond the last commit.
/// So a payment answered but not yet recorded at a crash is recorded after the restart, and its redelivery gets the
/// same answer, byte for byte. Appending costs a memory copy, never a system call: the journal is not flushed, so a
/// power cut can lose it; then the redelivered payment is scored again from the same recorded state.
/// </summary>
public interface IAnswerJournal
{
    /// <summary>
    /// Appends the outcomes of an answered batch; returns the records as appended (the store records the same bytes, see
    /// <see cref="ScoredBatch.Journaled"/>), or empty when none of them is recorded. Never blocks on I/O; throws only when the
    /// journal is full of uncommitted batches.
    /// </summary>
    ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes);

    /// <summary>Everything up to <paramref name="sequence"/> is committed: its space may be reused.</summary>
    void Committed(long sequence);
}
