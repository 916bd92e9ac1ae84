namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The answers written ahead of the record, and the point a payment is acknowledged at. The scoring loop appends each
/// batch as soon as it is answered (a memory copy: the journal is memory-mapped, so a crash of the process leaves it
/// intact); the record loop makes what was appended durable with one <see cref="Flush"/> for everything queued (a group
/// commit) and then acknowledges; LiteDB is fed from the same bytes in larger groups behind it, and only once LiteDB has
/// committed an entry (<see cref="Committed"/>) is its space reused. The next start records what the journal holds beyond
/// the last LiteDB commit, so a payment acknowledged but not yet in LiteDB at a crash or a power cut is recorded after the
/// restart, and its redelivery gets the same answer, byte for byte.
/// </summary>
public interface IAnswerJournal
{
    /// <summary>
    /// Appends the outcomes of an answered batch; returns the records as appended (the store records the same bytes, see
    /// <see cref="ScoredBatch.Journaled"/>), or empty when none of them is recorded. Never blocks on I/O. Throws
    /// <see cref="AnswerJournalFullException"/> when the ring holds no room for it now (entries not yet in LiteDB fill it;
    /// <see cref="WaitForRoom"/> waits for some), any other exception when it cannot take the batch at all.
    /// </summary>
    ReadOnlyMemory<byte> Append(IReadOnlyList<Outcome> outcomes);

    /// <summary>Waits, at most <paramref name="timeout"/>, until LiteDB's progress releases space; false when none was released.</summary>
    bool WaitForRoom(TimeSpan timeout);

    /// <summary>
    /// Makes everything appended so far durable on the device (the acknowledgement point). Throws <see cref="IOException"/>
    /// when the device fails it; a later call writes everything not yet known to be durable again.
    /// </summary>
    void Flush();

    /// <summary>Everything up to <paramref name="sequence"/> is committed in LiteDB: its space may be reused.</summary>
    void Committed(long sequence);
}

/// <summary>The answer journal's ring is full of entries not yet in LiteDB; the batch may be appended once LiteDB catches up.</summary>
public sealed class AnswerJournalFullException(string message) : InvalidOperationException(message);
