using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// What the agent remembers of one card: its payments of the last seven days, ordered by event time, for exact
/// sliding windows. Nothing older is kept, and no feature looks further back: an agent that has run for seven
/// days on a store's traffic computes exactly the features the model was trained on, however long it has run,
/// which an all-time count or mean would not give. A card pays a few times a day, so the list stays short.
/// </summary>
public sealed class CardHistory
{
    /// <summary>Longest window kept: seven days.</summary>
    public const long RetentionMs = 7L * 24 * 3600 * 1000;

    /// <summary>Most payments kept per card; a card-testing burst saturates the counts rather than memory.</summary>
    public const int MaxRecent = 512;

    private readonly List<RecentPayment> _recent;

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
        var cutoff = LastUnixMs - RetentionMs;
        var drop = 0;
        while (drop < _recent.Count && (_recent[drop].UnixMs < cutoff || _recent.Count - drop > MaxRecent))
        {
            drop++;
        }

        if (drop > 0)
        {
            _recent.RemoveRange(0, drop);
        }
    }

    /// <summary>A copy for persistence.</summary>
    public CardHistorySnapshot ToSnapshot(string cardToken) => new(cardToken, [.. _recent]);

    /// <summary>Rebuilds a history from its persisted form.</summary>
    public static CardHistory FromSnapshot(CardHistorySnapshot snapshot) => new([.. snapshot.Recent]);
}
