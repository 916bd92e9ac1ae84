namespace EdgeAgent.Core.Features;

/// <summary>
/// Per-card and per-merchant state, held in memory for the scoring loop and persisted as snapshots of
/// what each batch changed. Not thread-safe: one scoring loop owns it.
/// </summary>
public sealed class FeatureState
{
    private readonly Dictionary<string, CardHistory> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MerchantActivity> _merchants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedCards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedMerchants = new(StringComparer.Ordinal);
    private readonly IFeatureStateSource? _source;
    private readonly int _maxCardsInMemory;

    /// <param name="source">Where state evicted from memory is found again; null keeps everything in memory.</param>
    /// <param name="maxCardsInMemory">Cards held in memory before the least recently paying are evicted.</param>
    public FeatureState(IFeatureStateSource? source = null, int maxCardsInMemory = int.MaxValue)
    {
        _source = source;
        _maxCardsInMemory = maxCardsInMemory;
    }

    /// <summary>Cards in memory.</summary>
    public int CardCount => _cards.Count;

    /// <summary>Merchants in memory.</summary>
    public int MerchantCount => _merchants.Count;

    public CardHistory Card(string cardToken)
    {
        if (!_cards.TryGetValue(cardToken, out var card))
        {
            card = _source?.FindCard(cardToken) is { } snapshot ? CardHistory.FromSnapshot(snapshot) : new CardHistory();
            _cards.Add(cardToken, card);
        }

        return card;
    }

    public MerchantActivity Merchant(string merchantKey)
    {
        if (!_merchants.TryGetValue(merchantKey, out var merchant))
        {
            merchant = _source?.FindMerchant(merchantKey) is { } snapshot ? MerchantActivity.FromSnapshot(snapshot) : new MerchantActivity();
            _merchants.Add(merchantKey, merchant);
        }

        return merchant;
    }

    internal void MarkChanged(string cardToken, string merchantKey)
    {
        _changedCards.Add(cardToken);
        _changedMerchants.Add(merchantKey);
    }

    /// <summary>Snapshots of everything changed since the last call, to be written with the outcomes that changed it.</summary>
    public FeatureStateChanges TakeChanges()
    {
        if (_changedCards.Count == 0 && _changedMerchants.Count == 0)
        {
            return FeatureStateChanges.None;
        }

        var cards = new CardHistorySnapshot[_changedCards.Count];
        var i = 0;
        foreach (var token in _changedCards)
        {
            cards[i++] = _cards[token].ToSnapshot(token);
        }

        var merchants = new MerchantActivitySnapshot[_changedMerchants.Count];
        i = 0;
        foreach (var key in _changedMerchants)
        {
            merchants[i++] = _merchants[key].ToSnapshot(key);
        }

        _changedCards.Clear();
        _changedMerchants.Clear();
        EvictIfFull();
        return new FeatureStateChanges(cards, merchants);
    }

    /// <summary>Loads persisted state at start.</summary>
    public void Restore(IEnumerable<CardHistorySnapshot> cards, IEnumerable<MerchantActivitySnapshot> merchants)
    {
        foreach (var card in cards)
        {
            _cards[card.CardToken] = CardHistory.FromSnapshot(card);
        }

        foreach (var merchant in merchants)
        {
            _merchants[merchant.MerchantKey] = MerchantActivity.FromSnapshot(merchant);
        }
    }

    private void EvictIfFull()
    {
        // Only with a source to reload from; evicts the tenth of cards that paid longest ago, all of them
        // already persisted (changes were just taken).
        if (_source is null || _cards.Count <= _maxCardsInMemory)
        {
            return;
        }

        var target = _maxCardsInMemory - (_maxCardsInMemory / 10);
        foreach (var token in _cards.OrderBy(c => c.Value.LastUnixMs).Take(_cards.Count - target).Select(c => c.Key).ToList())
        {
            _cards.Remove(token);
        }
    }
}
