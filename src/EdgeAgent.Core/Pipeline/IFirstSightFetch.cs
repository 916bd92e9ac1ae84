namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Asks the fleet for the profiles of cards this store holds none of, before the batch that pays with them is scored.
/// Completes once every answer came or the fetch budget passed, whichever is first, and at once when the link is down;
/// a missing answer is not an error: the payment is then scored on local history, and the implementation counts it.
/// The profiles reach the feature state through its thread-safe door (<see cref="Features.FeatureState.OfferOtherStores"/>),
/// and the scoring loop, its one owner, merges them when it reads the card.
/// </summary>
public interface IFirstSightFetch
{
    /// <summary>
    /// Fetches the profiles of <paramref name="cards"/> (distinct current tokens) in parallel, within one budget. During a
    /// key rotation each card also names its previous-key token, so the fleet can bring the card's history across.
    /// </summary>
    Task FetchFirstSightsAsync(IReadOnlyList<Tokenization.CardTokens> cards, CancellationToken cancellationToken);
}
