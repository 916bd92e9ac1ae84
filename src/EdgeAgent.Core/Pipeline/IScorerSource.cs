using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Hands the scoring loop the active model for one batch. A model swapped in while a batch is scored takes
/// over from the next batch; the old one is disposed when its last lease ends.
/// </summary>
public interface IScorerSource
{
    /// <summary>The current model for one batch; a model swapped meanwhile waits for the lease to end.</summary>
    IScorerLease Rent();
}

/// <summary>The use of one scorer for one batch.</summary>
public interface IScorerLease : IDisposable
{
    /// <summary>The scorer to use until the lease is disposed.</summary>
    IScorer Scorer { get; }
}
