using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// What a payment adds to the feature state: enough to replay it. At start the store makes these from the payments
/// recorded after the last snapshot (their records hold the events) and they are replayed over it, so the state survives a
/// crash without rewriting every card and merchant on every payment.
/// </summary>
public readonly record struct FeatureUpdate(string CardToken, string MerchantKey, long UnixMs, double Amount, GeoPoint? Location)
{
    /// <summary>What <paramref name="payment"/> changes in the state.</summary>
    public static FeatureUpdate Of(PaymentEvent payment) => new(
        payment.CardToken,
        FeatureExtractor.MerchantKey(payment.MerchantId),
        payment.Timestamp.ToUnixTimeMilliseconds(),
        (double)payment.Amount,
        payment.Location);
}
