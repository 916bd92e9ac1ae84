namespace EdgeAgent.Core.Features;

/// <summary>One earlier payment of a card, as much of it as the features need.</summary>
/// <param name="UnixMs">Event time, milliseconds since the Unix epoch.</param>
/// <param name="Amount">Amount in the event's currency.</param>
/// <param name="MerchantHash">Stable hash of the merchant id (distinct merchants, repeat visits).</param>
/// <param name="Latitude">Where it happened; NaN when the terminal did not say.</param>
/// <param name="Longitude">Where it happened; NaN when the terminal did not say.</param>
public readonly record struct RecentPayment(long UnixMs, double Amount, int MerchantHash, double Latitude, double Longitude)
{
    /// <summary>True when the terminal gave where the payment was made.</summary>
    public bool HasLocation => !double.IsNaN(Latitude);
}
