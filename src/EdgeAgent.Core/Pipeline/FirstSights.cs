using EdgeAgent.Core.Features;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The fleet step of a scoring pass: before a batch is scored, the cards in it that the store holds no current fleet
/// profile for (none, or this store's own last payment of the card is older than the card windows, so the fleet stopped
/// pushing it here) are fetched all at once, so the batch waits at most one fetch budget whatever the number of first
/// sights, and not at all when every card's profile is current. Runs on the scoring loop, the state's owner.
/// </summary>
internal sealed class FirstSights(IFirstSightFetch fetch, FeatureState state)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<CardTokens> _tokens = [];

    public Task BeforeScoringAsync(List<Arrival> batch)
    {
        _seen.Clear();
        _tokens.Clear();
        foreach (var arrival in batch)
        {
            if (arrival.Payment is { } payment && _seen.Add(payment.CardToken)
                && !state.OtherStoresCurrent(payment.CardToken, payment.Timestamp.ToUnixTimeMilliseconds()))
            {
                _tokens.Add(new CardTokens(payment.CardToken, payment.PreviousCardToken));
            }
        }

        return _tokens.Count == 0 ? Task.CompletedTask : fetch.FetchFirstSightsAsync([.. _tokens], CancellationToken.None);
    }
}
