namespace EdgeAgent.Core.Features;

/// <summary>
/// What the agent remembers of one merchant, keyed by the merchant id the payment carries: payments per minute over
/// the last hour and per hour over the last day. Keyed by merchant rather than by store or terminal, so how
/// many terminals split a store's traffic, or how many merchants share a terminal, does not change what it holds.
/// </summary>
public sealed class MerchantActivity
{
    /// <summary>Width of the last-hour window's buckets.</summary>
    public const long MinuteMs = 60_000;

    /// <summary>Width of the last-day window's buckets.</summary>
    public const long HourMs = 3_600_000;

    /// <summary>Buckets of the last-hour window.</summary>
    public const int HourBuckets = 60;

    /// <summary>Buckets of the last-day window.</summary>
    public const int DayBuckets = 24;

    private readonly BucketedWindow _lastHour;
    private readonly BucketedWindow _lastDay;

    /// <summary>A merchant never seen before.</summary>
    public MerchantActivity()
    {
        _lastHour = new BucketedWindow(MinuteMs, HourBuckets);
        _lastDay = new BucketedWindow(HourMs, DayBuckets);
    }

    private MerchantActivity(BucketedWindow lastHour, BucketedWindow lastDay)
    {
        _lastHour = lastHour;
        _lastDay = lastDay;
    }

    /// <summary>Counts a payment of <paramref name="amount"/> at <paramref name="unixMs"/>.</summary>
    public void Add(long unixMs, double amount)
    {
        _lastHour.Add(unixMs, amount);
        _lastDay.Add(unixMs, amount);
    }

    /// <summary>Count and sum of the payments in the minute of <paramref name="unixMs"/> and the 59 before it.</summary>
    public (int Count, double Sum) LastHour(long unixMs) => _lastHour.Query(unixMs);

    /// <summary>Count and sum of the payments in the hour of <paramref name="unixMs"/> and the 23 before it.</summary>
    public (int Count, double Sum) LastDay(long unixMs) => _lastDay.Query(unixMs);

    /// <summary>The activity, for the store.</summary>
    public MerchantActivitySnapshot ToSnapshot(string merchantKey) =>
        new(merchantKey, _lastHour.ToSnapshot(), _lastDay.ToSnapshot());

    /// <summary>Rebuilds the activity; a snapshot whose windows have other sizes starts afresh.</summary>
    public static MerchantActivity FromSnapshot(MerchantActivitySnapshot snapshot) =>
        snapshot.LastHour.Count.Length == HourBuckets && snapshot.LastDay.Count.Length == DayBuckets
            ? new(BucketedWindow.FromSnapshot(MinuteMs, snapshot.LastHour), BucketedWindow.FromSnapshot(HourMs, snapshot.LastDay))
            : new();
}
