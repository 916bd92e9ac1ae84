using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The durable record: outcomes, dead letters and feature state. Implementations are synchronous because
/// the embedded databases they wrap are; the pipeline calls them from its own loops.
/// </summary>
public interface IOutcomeStore : IFeatureStateSource
{
    /// <summary>The answer recorded for a payment, or null when it was never scored.</summary>
    byte[]? FindAnswer(string deduplicationKey);

    /// <summary>
    /// Records the batches in one transaction: scored outcomes, dead letters and the state they changed.
    /// Returns only once committed; throws when nothing was committed.
    /// </summary>
    void Commit(IReadOnlyList<OutcomeBatch> batches);

    /// <summary>The most recently active card histories (at most <paramref name="maxCards"/>) and all terminals, for a warm start.</summary>
    (IReadOnlyList<CardHistorySnapshot> Cards, IReadOnlyList<TerminalActivitySnapshot> Terminals) LoadState(int maxCards);
}
