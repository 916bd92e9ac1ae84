namespace EdgeAgent.Core.Features;

/// <summary>
/// Per-card and per-terminal state, held in memory for the scoring loop and persisted as snapshots of
/// what each batch changed. Not thread-safe: one scoring loop owns it.
/// </summary>
public sealed class FeatureState
{
    private readonly Dictionary<string, CardHistory> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TerminalActivity> _terminals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedCards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedTerminals = new(StringComparer.Ordinal);
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

    /// <summary>Terminals in memory.</summary>
    public int TerminalCount => _terminals.Count;

    public CardHistory Card(string cardToken)
    {
        if (!_cards.TryGetValue(cardToken, out var card))
        {
            card = _source?.FindCard(cardToken) is { } snapshot ? CardHistory.FromSnapshot(snapshot) : new CardHistory();
            _cards.Add(cardToken, card);
        }

        return card;
    }

    public TerminalActivity Terminal(string terminalKey)
    {
        if (!_terminals.TryGetValue(terminalKey, out var terminal))
        {
            terminal = _source?.FindTerminal(terminalKey) is { } snapshot ? TerminalActivity.FromSnapshot(snapshot) : new TerminalActivity();
            _terminals.Add(terminalKey, terminal);
        }

        return terminal;
    }

    internal void MarkChanged(string cardToken, string terminalKey)
    {
        _changedCards.Add(cardToken);
        _changedTerminals.Add(terminalKey);
    }

    /// <summary>Snapshots of everything changed since the last call, to be written with the outcomes that changed it.</summary>
    public FeatureStateChanges TakeChanges()
    {
        if (_changedCards.Count == 0 && _changedTerminals.Count == 0)
        {
            return FeatureStateChanges.None;
        }

        var cards = new CardHistorySnapshot[_changedCards.Count];
        var i = 0;
        foreach (var token in _changedCards)
        {
            cards[i++] = _cards[token].ToSnapshot(token);
        }

        var terminals = new TerminalActivitySnapshot[_changedTerminals.Count];
        i = 0;
        foreach (var key in _changedTerminals)
        {
            terminals[i++] = _terminals[key].ToSnapshot(key);
        }

        _changedCards.Clear();
        _changedTerminals.Clear();
        EvictIfFull();
        return new FeatureStateChanges(cards, terminals);
    }

    /// <summary>Loads persisted state at start.</summary>
    public void Restore(IEnumerable<CardHistorySnapshot> cards, IEnumerable<TerminalActivitySnapshot> terminals)
    {
        foreach (var card in cards)
        {
            _cards[card.CardToken] = CardHistory.FromSnapshot(card);
        }

        foreach (var terminal in terminals)
        {
            _terminals[terminal.TerminalKey] = TerminalActivity.FromSnapshot(terminal);
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
