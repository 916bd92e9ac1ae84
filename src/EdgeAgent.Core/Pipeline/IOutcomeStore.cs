using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The durable record: outcomes, dead letters and feature state. Implementations are synchronous because the embedded
/// databases they wrap are; the pipeline calls <see cref="Commit"/> from its record loop and reads answers off the
/// scoring loop.
/// </summary>
public interface IOutcomeStore : IFeatureStateSource
{
    /// <summary>Sequence number of the last recorded outcome (0 when none); new outcomes are numbered after it.</summary>
    long LastSequence { get; }

    /// <summary>The answer recorded under <paramref name="sequence"/>, when it belongs to <paramref name="deduplicationKey"/>. Thread-safe.</summary>
    byte[]? FindAnswer(long sequence, string deduplicationKey);

    /// <summary>The payments on record that arrived after <paramref name="since"/>, newest first, streamed (read once at start).</summary>
    IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since);

    /// <summary>
    /// Records the batches in one transaction and makes it durable on the device before returning (acknowledged means
    /// on disk): scored outcomes, dead letters, the journal of their feature updates and any state snapshot they carry.
    /// Throws <see cref="StoreUnavailableException"/> when the device cannot take it now (full, gone), having recorded
    /// nothing; any other exception means this content could not be recorded.
    /// </summary>
    void Commit(IReadOnlyList<ScoredBatch> batches);

    /// <summary>
    /// For a warm start: the most recently active card histories and merchants of the last snapshot (at most
    /// <paramref name="maxCards"/> and <paramref name="maxMerchants"/>, the caps that hold in steady state too, so a start
    /// never loads more than a running agent keeps), and the journal to replay over them. The key of every card and merchant
    /// left in the store is handed to <paramref name="cardLeft"/> and <paramref name="merchantLeft"/> as it is read (never
    /// gathered into a list), so the state knows to read it when it pays.
    /// </summary>
    StoredFeatureState LoadState(int maxCards, int maxMerchants = int.MaxValue, Action<string>? cardLeft = null, Action<string>? merchantLeft = null);
}
