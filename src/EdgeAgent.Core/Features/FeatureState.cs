using System.Collections.Concurrent;

namespace EdgeAgent.Core.Features;

/// <summary>
/// Per-card and per-merchant state for the features. In the agent: held in memory up to a cap per kind (least recently used
/// out first, only once persisted), snapshotted a few changed entities at a time a while after they changed (so a busy card
/// is written once, not once per payment, and no pass of the scoring loop ever copies them all), and found again in the store
/// when an evicted one pays again, read ahead by intake (<see cref="Prime"/>) so the scoring loop does no I/O. For training:
/// everything in memory, nothing persisted. Not thread-safe but for the members that say so: one scoring loop owns it.
/// </summary>
public sealed class FeatureState
{
    private readonly KeyedState<CardHistory> _cards;
    private readonly KeyedState<MerchantActivity> _merchants;
    private readonly IFeatureStateSource? _source;
    private readonly List<(string Key, CardHistory Value, long Sequence)> _cardSnapshots = [];
    private readonly List<(string Key, MerchantActivity Value, long Sequence)> _merchantSnapshots = [];
    private readonly ConcurrentDictionary<string, OtherStoresProfile> _otherStores = new(StringComparer.Ordinal);
    private readonly int _maxOtherStoreProfiles;
    private long _otherStoresVersion;

    /// <param name="source">Where state evicted from memory is found again; null keeps everything in memory.</param>
    /// <param name="maxCardsInMemory">Cards held in memory before the least recently paying are evicted.</param>
    /// <param name="maxMerchantsInMemory">Merchants held in memory before the least recently paid are evicted.</param>
    public FeatureState(IFeatureStateSource? source = null, int maxCardsInMemory = int.MaxValue, int maxMerchantsInMemory = int.MaxValue)
    {
        _source = source;
        _maxOtherStoreProfiles = maxCardsInMemory;
        _cards = new KeyedState<CardHistory>(source is null ? int.MaxValue : maxCardsInMemory, () => new CardHistory());
        _merchants = new KeyedState<MerchantActivity>(source is null ? int.MaxValue : maxMerchantsInMemory, () => new MerchantActivity());
    }

    /// <summary>Cards in memory.</summary>
    public int CardCount => _cards.Count;

    /// <summary>Merchants in memory.</summary>
    public int MerchantCount => _merchants.Count;

    /// <summary>Cards and merchants that left memory for the store, in all.</summary>
    public long Evictions => _cards.Evictions + _merchants.Evictions;

    /// <summary>Entities read from the store on the scoring loop itself, because intake could not read them ahead.</summary>
    public long ColdReads { get; private set; }

    /// <summary>The payment being applied (its sequence number), and when: changes are stamped with them.</summary>
    public long Sequence { get; set; }

    /// <inheritdoc cref="Sequence"/>
    public long Ticks { get; set; }

    /// <summary>Cards with other stores' payments from the fleet, waiting to be merged or merged. Thread-safe.</summary>
    public int OtherStoreProfiles => _otherStores.Count;

    /// <summary>The card's history: from memory, else read from the store, else a new one.</summary>
    public CardHistory Card(string cardToken)
    {
        var card = FindCard(cardToken);
        if (!_otherStores.IsEmpty && _otherStores.TryGetValue(cardToken, out var others) && card.OtherStoresVersion != others.Version)
        {
            card.ReplaceOtherStores(others.Payments, others.ReceivedAt);
            card.OtherStoresVersion = others.Version;
        }

        return card;
    }

    /// <summary>
    /// Offers the other stores' payments of a card (the fleet's profile without this store's slot); the card's history
    /// takes them, replacing what it had from the fleet, when it is next read. Thread-safe: the fleet link calls it from
    /// its own thread while the scoring loop runs. A profile received earlier than the one already held is ignored,
    /// so profiles arriving out of order never go back in time. False when the cap on such profiles (the cap on cards
    /// in memory) is reached for a new card: the card is then scored on this store's history alone.
    /// </summary>
    public bool OfferOtherStores(string cardToken, IReadOnlyList<RecentPayment> payments, DateTimeOffset receivedAt)
    {
        var version = Interlocked.Increment(ref _otherStoresVersion);
        var profile = new OtherStoresProfile([.. payments], receivedAt, version);
        while (true)
        {
            if (_otherStores.TryGetValue(cardToken, out var held))
            {
                if (held.ReceivedAt > receivedAt)
                {
                    return true;
                }

                if (_otherStores.TryUpdate(cardToken, profile, held))
                {
                    return true;
                }
            }
            else if (_otherStores.Count >= _maxOtherStoreProfiles)
            {
                return false;
            }
            else if (_otherStores.TryAdd(cardToken, profile))
            {
                return true;
            }
        }
    }

    /// <summary>Whether the fleet's payments of a card are held, so a first sight need not ask the fleet. Thread-safe.</summary>
    public bool HasOtherStores(string cardToken) => _otherStores.ContainsKey(cardToken);

    /// <summary>
    /// Whether the fleet's payments of a card are held and still current for a payment at <paramref name="unixMs"/>: the
    /// fleet pushes a card's every change to the stores that paid it within the card windows, so a profile stays current
    /// only while this store's own last payment of the card is within <see cref="CardHistory.RetentionMs"/>. A card that
    /// comes back after a longer pause, or that is not in memory, asks the fleet again. For the scoring loop only.
    /// </summary>
    public bool OtherStoresCurrent(string cardToken, long unixMs) =>
        _otherStores.ContainsKey(cardToken)
        && _cards.TryGet(cardToken, out var card)
        && card.Recent.Count > 0
        && unixMs - card.Recent[^1].UnixMs < CardHistory.RetentionMs;

    /// <summary>Forgets the fleet's payments of cards whose profile was received before <paramref name="cutoff"/>. Thread-safe.</summary>
    public int ForgetOtherStoresBefore(DateTimeOffset cutoff)
    {
        var forgotten = 0;
        foreach (var (token, profile) in _otherStores)
        {
            if (profile.ReceivedAt < cutoff && _otherStores.TryRemove(new KeyValuePair<string, OtherStoresProfile>(token, profile)))
            {
                forgotten++;
            }
        }

        return forgotten;
    }

    private CardHistory FindCard(string cardToken)
    {
        if (_cards.TryGet(cardToken, out var card))
        {
            return card;
        }

        if (_source is not null && _cards.MayBeStored(cardToken) && _source.FindCard(cardToken) is { } snapshot)
        {
            ColdReads++;
            return _cards.Add(cardToken, CardHistory.FromSnapshot(snapshot), snapshot.Sequence);
        }

        return _cards.AddNew(cardToken);
    }

    private sealed record OtherStoresProfile(RecentPayment[] Payments, DateTimeOffset ReceivedAt, long Version);

    /// <summary>The merchant's activity: from memory, else read from the store, else a new one.</summary>
    public MerchantActivity Merchant(string merchantKey)
    {
        if (_merchants.TryGet(merchantKey, out var merchant))
        {
            return merchant;
        }

        if (_source is not null && _merchants.MayBeStored(merchantKey) && _source.FindMerchant(merchantKey) is { } snapshot)
        {
            ColdReads++;
            return _merchants.Add(merchantKey, MerchantActivity.FromSnapshot(snapshot), snapshot.Sequence);
        }

        return _merchants.AddNew(merchantKey);
    }

    /// <summary>What intake should read ahead for a payment: whether the store may hold the card or merchant memory lacks. Thread-safe.</summary>
    public (bool Card, bool Merchant) NeedsReading(string cardToken, string merchantKey) =>
        (_source is not null && !_cards.Contains(cardToken) && _cards.MayBeStored(cardToken),
         _source is not null && !_merchants.Contains(merchantKey) && _merchants.MayBeStored(merchantKey));

    /// <summary>
    /// Installs what intake read ahead, when memory still lacks it and nothing newer was evicted since; a card's history
    /// found only under its previous-key token (during a key rotation) moves to the new token.
    /// </summary>
    public void Prime(StatePrefetch prefetch, string cardToken, string? previousCardToken, string merchantKey)
    {
        if (!_cards.Contains(cardToken))
        {
            if (prefetch.Card is { } card && _cards.IsFresh(cardToken, prefetch.CardMark))
            {
                _cards.Add(cardToken, CardHistory.FromSnapshot(card), card.Sequence);
            }
            else if (previousCardToken is not null && !_cards.MayBeStored(cardToken))
            {
                if (!_cards.Rekey(previousCardToken, cardToken) && prefetch.PreviousCard is { } previous
                    && _cards.IsFresh(previousCardToken, prefetch.CardMark))
                {
                    _cards.Add(cardToken, CardHistory.FromSnapshot(previous), 0);
                }
            }
        }

        if (!_merchants.Contains(merchantKey) && prefetch.Merchant is { } merchant && _merchants.IsFresh(merchantKey, prefetch.MerchantMark))
        {
            _merchants.Add(merchantKey, MerchantActivity.FromSnapshot(merchant), merchant.Sequence);
        }
    }

    /// <summary>Marks for <see cref="Prime"/>: the eviction counts when the read began. Thread-safe.</summary>
    public (long Cards, long Merchants) Marks => (_cards.EvictionMark, _merchants.EvictionMark);

    /// <summary>True when the card's snapshot already holds the payment being replayed (<see cref="Sequence"/>).</summary>
    public bool CardCovered(string cardToken) => Sequence > 0 && _cards.Covers(cardToken, Sequence);

    /// <summary>True when the merchant's snapshot already holds the payment being replayed (<see cref="Sequence"/>).</summary>
    public bool MerchantCovered(string merchantKey) => Sequence > 0 && _merchants.Covers(merchantKey, Sequence);

    internal void MarkChanged(string cardToken, string merchantKey)
    {
        _cards.MarkChanged(cardToken, Sequence, Ticks);
        _merchants.MarkChanged(merchantKey, Sequence, Ticks);
    }

    /// <summary>Snapshots of everything changed, and the sequence they cover: a graceful stop writes them all.</summary>
    public FeatureStateChanges TakeChanges() => TakeChanges(long.MaxValue, int.MaxValue);

    /// <summary>
    /// Snapshots of at most <paramref name="budget"/> entities changed at or before <paramref name="dueTicks"/>, oldest change
    /// first, and of those evicted over the caps; with the sequence they bring the persisted state up to (every payment
    /// up to it is in a snapshot, so a start replays only those after it).
    /// </summary>
    public FeatureStateChanges TakeChanges(long dueTicks, int budget) => TakeDueChanges(dueTicks, budget) ?? new FeatureStateChanges([], [], Covered());

    /// <summary>
    /// As <see cref="TakeChanges(long, int)"/>, but null when nothing is due: the scoring loop asks with every batch, and
    /// most batches have nothing to snapshot.
    /// </summary>
    public FeatureStateChanges? TakeDueChanges(long dueTicks, int budget)
    {
        _cardSnapshots.Clear();
        _merchantSnapshots.Clear();
        _cards.TakeDirty(dueTicks, budget, _cardSnapshots);
        _merchants.TakeDirty(dueTicks, budget, _merchantSnapshots);
        _cards.EvictOverCap(budget, _cardSnapshots);
        _merchants.EvictOverCap(budget, _merchantSnapshots);
        if (_cardSnapshots.Count == 0 && _merchantSnapshots.Count == 0)
        {
            return null;
        }

        var covered = Covered();
        var cards = _cardSnapshots.Select(c => c.Value.ToSnapshot(c.Key) with { Sequence = c.Sequence }).ToArray();
        var merchants = _merchantSnapshots.Select(m => m.Value.ToSnapshot(m.Key) with { Sequence = m.Sequence }).ToArray();
        return new FeatureStateChanges(cards, merchants, covered);
    }

    /// <summary>The sequence every payment up to which is in a snapshot.</summary>
    private long Covered()
    {
        var oldest = Math.Min(_cards.OldestUnsnapshotted() ?? long.MaxValue, _merchants.OldestUnsnapshotted() ?? long.MaxValue);
        return oldest == long.MaxValue ? Sequence : oldest - 1;
    }

    /// <summary>A card the store holds and memory does not (left there at start): read when it pays.</summary>
    public void RememberStoredCard(string cardToken) => _cards.RememberStored(cardToken);

    /// <summary>A merchant the store holds and memory does not (left there at start): read when it is paid.</summary>
    public void RememberStoredMerchant(string merchantKey) => _merchants.RememberStored(merchantKey);

    /// <summary>Loads persisted state at start; <paramref name="storedCards"/> are the cards the store holds beyond those loaded.</summary>
    public void Restore(IEnumerable<CardHistorySnapshot> cards, IEnumerable<MerchantActivitySnapshot> merchants, IEnumerable<string>? storedCards = null)
    {
        foreach (var card in cards)
        {
            _cards.Add(card.CardToken, CardHistory.FromSnapshot(card), card.Sequence);
        }

        foreach (var merchant in merchants)
        {
            _merchants.Add(merchant.MerchantKey, MerchantActivity.FromSnapshot(merchant), merchant.Sequence);
        }

        foreach (var token in storedCards ?? [])
        {
            _cards.RememberStored(token);
        }
    }
}
