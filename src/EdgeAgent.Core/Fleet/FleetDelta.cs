namespace EdgeAgent.Core.Fleet;

/// <summary>
/// One payment of a card as a store reports it to the fleet: what the card features need and a key, never a card
/// number. The fleet keeps it in the store's slot of the card's profile.
/// </summary>
/// <param name="CardToken">The card's token under the fleet's tokenization key.</param>
/// <param name="PaymentId">24 hex characters naming the payment (<see cref="FleetDeltaCodec.PaymentIdOf"/>): a replay carries the same id.</param>
/// <param name="EventUnixMs">When the payment happened at the terminal.</param>
/// <param name="Amount">Amount in the event's currency.</param>
/// <param name="MerchantHash">Stable hash of the merchant id.</param>
/// <param name="Latitude">Where it happened; NaN when the terminal did not say.</param>
/// <param name="Longitude">Where it happened; NaN when the terminal did not say.</param>
public readonly record struct FleetDelta(
    string CardToken, string PaymentId, long EventUnixMs, double Amount, int MerchantHash, double Latitude, double Longitude)
{
    /// <summary>A scored payment's delta: the values its card history keeps, so the other stores compute the same features from it.</summary>
    public static FleetDelta Of(Payments.PaymentEvent payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var update = Features.FeatureUpdate.Of(payment);
        return new FleetDelta(
            update.CardToken,
            FleetDeltaCodec.PaymentIdOf(update.CardToken, payment.DeduplicationKey),
            update.UnixMs,
            update.Amount,
            Features.StableHash.Of(update.MerchantKey),
            update.Location?.Latitude ?? double.NaN,
            update.Location?.Longitude ?? double.NaN);
    }

    /// <summary>
    /// The delta of a payment read back from the record, with the same values <see cref="Of(Payments.PaymentEvent)"/>
    /// gives for the payment itself; null for what added nothing to a card history (a refusal, a payment scored by the
    /// fallback without features), which the store's features never counted either.
    /// </summary>
    public static FleetDelta? Of(Records.RecordedOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome is not { Status: "scored", Features.Length: > 0, CardToken: { } token, EventTime: { } time, Amount: { } amount, MerchantId: { } merchant }
            || outcome.StoreId is null || outcome.TerminalId is null || outcome.TransactionId is null)
        {
            return null;
        }

        return new FleetDelta(
            token,
            FleetDeltaCodec.PaymentIdOf(token, Payments.DeduplicationKeys.For(outcome.StoreId, outcome.TerminalId, outcome.TransactionId)),
            time.ToUnixTimeMilliseconds(),
            (double)amount,
            Features.StableHash.Of(Features.FeatureExtractor.MerchantKey(merchant)),
            outcome.Location?.Latitude ?? double.NaN,
            outcome.Location?.Longitude ?? double.NaN);
    }

    /// <summary>The delta as its receiver's card history keeps it.</summary>
    public Features.RecentPayment ToRecentPayment() => new(EventUnixMs, Amount, MerchantHash, Latitude, Longitude);
}
