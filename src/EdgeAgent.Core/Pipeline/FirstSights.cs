using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The fleet step of a scoring pass: before a batch is scored, the cards in it that the store holds no fleet profile for
/// are fetched all at once, so the batch waits at most one fetch budget whatever the number of first sights, and not at
/// all when every card has a profile. Runs on the scoring loop (it reads the state's thread-safe members only).
/// </summary>
internal sealed class FirstSights(IFirstSightFetch fetch, FeatureState state)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _tokens = [];

    public Task BeforeScoringAsync(List<Arrival> batch)
    {
        _seen.Clear();
        _tokens.Clear();
        foreach (var arrival in batch)
        {
            if (arrival.Payment is { } payment && !state.HasOtherStores(payment.CardToken) && _seen.Add(payment.CardToken))
            {
                _tokens.Add(payment.CardToken);
            }
        }

        return _tokens.Count == 0 ? Task.CompletedTask : fetch.FetchFirstSightsAsync([.. _tokens], CancellationToken.None);
    }
}
