using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// What the agent remembers of one card: running amount statistics over its whole history (Welford),
/// and its payments of the last seven days for exact sliding windows. A card pays a few times a day,
/// so an exact list is smaller than time buckets would be.
/// </summary>
public sealed class CardHistory
{
    /// <summary>Longest window kept: seven days.</summary>
    public const long RetentionMs = 7L * 24 * 3600 * 1000;

    /// <summary>Most payments kept per card; a card-testing burst saturates the counts rather than memory.</summary>
    public const int MaxRecent = 512;

    private readonly List<RecentPayment> _recent;

    public CardHistory()
        : this(0, 0, 0, long.MinValue, null, [])
    {
    }

    private CardHistory(long count, double mean, double m2, long lastUnixMs, GeoPoint? lastLocation, List<RecentPayment> recent)
    {
        Count = count;
        Mean = mean;
        M2 = m2;
        LastUnixMs = lastUnixMs;
        LastLocation = lastLocation;
        _recent = recent;
    }

    /// <summary>Payments seen, all time.</summary>
    public long Count { get; private set; }

    /// <summary>Running mean amount.</summary>
    public double Mean { get; private set; }

    /// <summary>Running sum of squared deviations (Welford), for the standard deviation.</summary>
    public double M2 { get; private set; }

    /// <summary>Latest event time seen, or <see cref="long.MinValue"/>.</summary>
    public long LastUnixMs { get; private set; }

    /// <summary>Location of the latest payment that had one.</summary>
    public GeoPoint? LastLocation { get; private set; }

    /// <summary>Payments within <see cref="RetentionMs"/> of the latest, oldest first.</summary>
    public IReadOnlyList<RecentPayment> Recent => _recent;

    /// <summary>Standard deviation of amounts, 0 below two payments.</summary>
    public double StandardDeviation => Count > 1 ? Math.Sqrt(M2 / (Count - 1)) : 0;

    /// <summary>Adds a payment, keeping <see cref="Recent"/> ordered by event time even when events arrive late.</summary>
    public void Add(long unixMs, double amount, int terminalHash, GeoPoint? location)
    {
        Count++;
        var delta = amount - Mean;
        Mean += delta / Count;
        M2 += delta * (amount - Mean);
        LastUnixMs = Math.Max(LastUnixMs, unixMs);
        if (location is not null)
        {
            LastLocation = location;
        }

        var at = _recent.Count;
        while (at > 0 && _recent[at - 1].UnixMs > unixMs)
        {
            at--;
        }

        _recent.Insert(at, new RecentPayment(unixMs, amount, terminalHash));
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
    public CardHistorySnapshot ToSnapshot(string cardToken) =>
        new(cardToken, Count, Mean, M2, LastUnixMs, LastLocation, [.. _recent]);

    /// <summary>Rebuilds a history from its persisted form.</summary>
    public static CardHistory FromSnapshot(CardHistorySnapshot snapshot) =>
        new(snapshot.Count, snapshot.Mean, snapshot.M2, snapshot.LastUnixMs, snapshot.LastLocation, [.. snapshot.Recent]);
}
