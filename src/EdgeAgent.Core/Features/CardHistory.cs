using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// What the agent remembers of one card: its payments of the last seven days, ordered by event time, for exact
/// sliding windows. Nothing older is kept, and no feature looks further back: an agent that has run for seven
/// days on a store's traffic computes exactly the features the model was trained on, however long it has run,
/// which an all-time count or mean would not give. A card pays a few times a day, so the list stays short.
/// <para>
/// In a fleet, the history has two parts: this store's own payments (<see cref="Recent"/>, exact, persisted) and
/// the other stores' payments (<see cref="OtherStores"/>, the fleet's profile of the card without this store's slot,
/// replaced whole each time a newer profile arrives and never persisted). The features read <see cref="Merged"/>,
/// the union trimmed as one history would be: the newest <see cref="MaxRecent"/> payments within
/// <see cref="RetentionMs"/> of the newest. Since a store's own payments never come back from the fleet and a
/// profile replaces the previous one rather than adding to it, no payment counts twice, and the merged list depends
/// only on the set of payments, not on the order they arrived in.
/// </para>
/// </summary>
public sealed class CardHistory
{
    /// <summary>Longest window kept: seven days.</summary>
    public const long RetentionMs = 7L * 24 * 3600 * 1000;

    /// <summary>Most payments kept per card; a card-testing burst saturates the counts rather than memory.</summary>
    public const int MaxRecent = 512;

    private readonly List<RecentPayment> _recent;
    private List<RecentPayment> _others = [];
    private List<RecentPayment>? _merged;

    /// <summary>A card never seen before.</summary>
    public CardHistory()
        : this([])
    {
    }

    private CardHistory(List<RecentPayment> recent)
    {
        _recent = recent;
    }

    /// <summary>Payments within <see cref="RetentionMs"/> of the latest, oldest first.</summary>
    public IReadOnlyList<RecentPayment> Recent => _recent;

    /// <summary>Event time of the latest payment kept, or <see cref="long.MinValue"/>.</summary>
    public long LastUnixMs => _recent.Count > 0 ? _recent[^1].UnixMs : long.MinValue;

    /// <summary>The other stores' payments of this card (the fleet's profile without this store), oldest first.</summary>
    public IReadOnlyList<RecentPayment> OtherStores => _others;

    /// <summary>When the other stores' payments were last replaced (the receiver's clock), or null when never.</summary>
    public DateTimeOffset? OtherStoresReceivedAt { get; private set; }

    /// <summary>Which offer of <see cref="FeatureState.OfferOtherStores"/> the other stores' payments came from.</summary>
    internal long OtherStoresVersion { get; set; }

    /// <summary>
    /// This store's payments and the other stores', oldest first, trimmed as one history holding them all would be:
    /// what the features read. The same list as <see cref="Recent"/> when no other store's payment is known.
    /// Payments at the same millisecond keep this store's first.
    /// </summary>
    public IReadOnlyList<RecentPayment> Merged => _others.Count == 0 ? _recent : _merged ??= Merge(_recent, _others);

    /// <summary>
    /// Replaces the other stores' payments with <paramref name="otherStores"/>: the whole set the fleet holds for this
    /// card without this store's slot, in any order. A replacement, not an addition, so a profile that arrives twice,
    /// or an older one after a newer one, never counts a payment twice.
    /// </summary>
    public void ReplaceOtherStores(IEnumerable<RecentPayment> otherStores, DateTimeOffset receivedAt)
    {
        var others = otherStores.ToList();
        others.Sort(static (a, b) => a.UnixMs.CompareTo(b.UnixMs));
        _others = Trim(others);
        _merged = null;
        OtherStoresReceivedAt = receivedAt;
    }

    /// <summary>Adds a payment, keeping <see cref="Recent"/> ordered by event time even when events arrive late.</summary>
    public void Add(long unixMs, double amount, int merchantHash, GeoPoint? location)
    {
        var at = _recent.Count;
        while (at > 0 && _recent[at - 1].UnixMs > unixMs)
        {
            at--;
        }

        _recent.Insert(at, new RecentPayment(
            unixMs, amount, merchantHash, location?.Latitude ?? double.NaN, location?.Longitude ?? double.NaN));
        Trim(_recent);
        _merged = null;
    }

    /// <summary>Drops from the front of a time-ordered list what one history would not keep; returns the list.</summary>
    private static List<RecentPayment> Trim(List<RecentPayment> payments)
    {
        if (payments.Count == 0)
        {
            return payments;
        }

        var cutoff = payments[^1].UnixMs - RetentionMs;
        var drop = 0;
        while (drop < payments.Count && (payments[drop].UnixMs < cutoff || payments.Count - drop > MaxRecent))
        {
            drop++;
        }

        if (drop > 0)
        {
            payments.RemoveRange(0, drop);
        }

        return payments;
    }

    private static List<RecentPayment> Merge(List<RecentPayment> own, List<RecentPayment> others)
    {
        var merged = new List<RecentPayment>(own.Count + others.Count);
        int i = 0, j = 0;
        while (i < own.Count || j < others.Count)
        {
            merged.Add(j >= others.Count || (i < own.Count && own[i].UnixMs <= others[j].UnixMs) ? own[i++] : others[j++]);
        }

        return Trim(merged);
    }

    /// <summary>A copy for persistence: this store's own payments only; the other stores' come again from the fleet.</summary>
    public CardHistorySnapshot ToSnapshot(string cardToken) => new(cardToken, [.. _recent]);

    /// <summary>Rebuilds a history from its persisted form.</summary>
    public static CardHistory FromSnapshot(CardHistorySnapshot snapshot) => new([.. snapshot.Recent]);
}
