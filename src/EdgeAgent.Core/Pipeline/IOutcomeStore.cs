using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The durable record: outcomes, dead letters and feature state. Implementations are synchronous because
/// the embedded databases they wrap are; the pipeline calls them from its own loops.
/// </summary>
public interface IOutcomeStore : IFeatureStateSource
{
    /// <summary>Sequence number of the last recorded outcome (0 when none); new outcomes are numbered after it.</summary>
    long LastSequence { get; }

    /// <summary>The answer recorded under <paramref name="sequence"/>, when it belongs to <paramref name="deduplicationKey"/>.</summary>
    byte[]? FindAnswer(long sequence, string deduplicationKey);

    /// <summary>The payments on record that arrived after <paramref name="since"/>, read once at start for duplicate detection.</summary>
    IEnumerable<RecordedKey> RecentKeys(DateTimeOffset since);

    /// <summary>
    /// Records the batches in one transaction: scored outcomes, dead letters, the journal of their feature
    /// updates and any state snapshot they carry (which supersedes the journal before it). Returns only once
    /// committed; throws when nothing was committed.
    /// </summary>
    void Commit(IReadOnlyList<OutcomeBatch> batches);

    /// <summary>
    /// For a warm start: the most recently active card histories of the last snapshot (at most
    /// <paramref name="maxCards"/>), all its terminals, and the journal to replay over them.
    /// </summary>
    StoredFeatureState LoadState(int maxCards);
}
