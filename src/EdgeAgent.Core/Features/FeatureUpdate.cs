using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// What a payment adds to the feature state: enough to replay it. The store journals these with each commit and
/// replays the journal over the last snapshot at start, so the state survives a crash without rewriting every
/// card and merchant on every payment.
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
