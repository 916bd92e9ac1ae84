using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Features;

/// <summary>
/// The one feature code path. The training command replays the labelled history through it and the agent
/// runs every live payment through it, so a model never sees features computed differently from how it
/// was trained. Each payment's features use only payments before it; then the payment joins the state.
/// </summary>
public sealed class FeatureExtractor
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;
    private const float Unknown = -1f;
    private const double MaxZScore = 50;

    private readonly FeatureState _state;

    /// <summary>Computes features from <paramref name="state"/>, which it also updates.</summary>
    public FeatureExtractor(FeatureState state)
    {
        _state = state;
    }

    /// <summary>
    /// Writes the features of <paramref name="payment"/> into <paramref name="features"/>, then adds the payment to
    /// the state; returns what it added, for the journal.
    /// </summary>
    public FeatureUpdate ComputeAndApply(PaymentEvent payment, Span<float> features)
    {
        var update = FeatureUpdate.Of(payment);
        var card = _state.Card(update.CardToken);
        var merchant = _state.Merchant(update.MerchantKey);
        Compute(payment, update, card, merchant, features);
        Apply(update, card, merchant);
        return update;
    }

    /// <summary>
    /// Adds a journaled payment to the state without computing its features (replay at start); with
    /// <see cref="FeatureState.Sequence"/> set to its sequence number, only to the entities whose snapshots do not hold it yet.
    /// </summary>
    public void Apply(FeatureUpdate update)
    {
        var card = _state.Card(update.CardToken);
        var merchant = _state.Merchant(update.MerchantKey);
        if (!_state.CardCovered(update.CardToken))
        {
            card.Add(update.UnixMs, update.Amount, StableHash.Of(update.MerchantKey), update.Location);
        }

        if (!_state.MerchantCovered(update.MerchantKey))
        {
            merchant.Add(update.UnixMs, update.Amount);
        }

        _state.MarkChanged(update.CardToken, update.MerchantKey);
    }

    /// <summary>
    /// The key of a merchant's state: the merchant id as the payment carries it. Not the store or terminal of the
    /// topic, which say how a site is wired rather than who sells.
    /// </summary>
    public static string MerchantKey(string merchantId) => merchantId;

    private void Apply(FeatureUpdate update, CardHistory card, MerchantActivity merchant)
    {
        card.Add(update.UnixMs, update.Amount, StableHash.Of(update.MerchantKey), update.Location);
        merchant.Add(update.UnixMs, update.Amount);
        _state.MarkChanged(update.CardToken, update.MerchantKey);
    }

    private static void Compute(PaymentEvent payment, FeatureUpdate update, CardHistory card, MerchantActivity merchant, Span<float> f)
    {
        if (f.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"A feature vector holds {FeatureSchema.Count} values.", nameof(f));
        }

        var amount = update.Amount;
        var unixMs = update.UnixMs;
        var hour = payment.Timestamp.Hour; // local to the terminal, from the timestamp's offset
        f[0] = (float)amount;
        f[1] = (float)Math.Log(1 + amount);
        f[2] = hour;
        f[3] = hour is >= 22 or < 5 ? 1f : 0f;
        f[4] = ((int)payment.Timestamp.DayOfWeek + 6) % 7; // Monday = 0
        f[5] = payment.Channel == PaymentChannel.Ecommerce ? 1f : 0f;
        f[6] = MerchantCategories.IndexOf(payment.Mcc);

        WriteCardFeatures(card, unixMs, amount, payment.Location, f);
        WriteMerchantFeatures(merchant, unixMs, amount, f);
    }

    /// <summary>
    /// The merchant's traffic over the last hour and day, whichever store and terminal it came through: a merchant
    /// whose payments are split over eight terminals, or whose terminal also serves its neighbours, counts the same.
    /// </summary>
    private static void WriteMerchantFeatures(MerchantActivity merchant, long unixMs, double amount, Span<float> f)
    {
        var (hourCount, _) = merchant.LastHour(unixMs);
        var (dayCount, daySum) = merchant.LastDay(unixMs);
        f[19] = hourCount;
        f[20] = dayCount;
        f[21] = dayCount > 0 ? (float)(amount / Math.Max(daySum / dayCount, 0.01)) : 1f;
    }

    /// <summary>
    /// Everything about the card, from its payments in [t − 7 days, t): strictly earlier ones only, so nothing
    /// leaks from the future, and nothing older, so features do not depend on how long the agent has run. In a fleet
    /// this includes the other stores' payments (<see cref="CardHistory.Merged"/>), under the same rule: a payment
    /// counts when its event time is earlier, whichever store reported it and whenever it arrived.
    /// </summary>
    private static void WriteCardFeatures(CardHistory card, long unixMs, double amount, GeoPoint? here, Span<float> f)
    {
        int count1H = 0, count24H = 0, count7D = 0;
        double sum1H = 0, sum24H = 0, sum7D = 0, squares7D = 0, max7D = 0;
        var previous = long.MinValue;
        GeoPoint? there = null;
        Span<int> merchants = stackalloc int[64];
        var merchantCount = 0;

        var recent = card.Merged;
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            var p = recent[i];
            if (p.UnixMs >= unixMs)
            {
                continue;
            }

            var age = unixMs - p.UnixMs;
            if (age > CardHistory.RetentionMs)
            {
                break;
            }

            previous = Math.Max(previous, p.UnixMs);
            there ??= p.HasLocation ? new GeoPoint(p.Latitude, p.Longitude) : null;
            count7D++;
            sum7D += p.Amount;
            squares7D += p.Amount * p.Amount;
            max7D = Math.Max(max7D, p.Amount);
            if (age <= DayMs)
            {
                count24H++;
                sum24H += p.Amount;
                if (merchantCount < merchants.Length && !merchants[..merchantCount].Contains(p.MerchantHash))
                {
                    merchants[merchantCount++] = p.MerchantHash;
                }

                if (age <= HourMs)
                {
                    count1H++;
                    sum1H += p.Amount;
                }
            }
        }

        var mean = count7D > 0 ? sum7D / count7D : 0;
        var variance = count7D > 1 ? Math.Max(0, (squares7D - (count7D * mean * mean)) / (count7D - 1)) : 0;
        var sd = Math.Sqrt(variance);
        f[7] = count7D > 0 ? (float)(amount / Math.Max(max7D, 0.01)) : 1f;
        f[8] = count7D > 0 ? (float)(amount / Math.Max(mean, 0.01)) : 1f;
        f[9] = count7D > 1 && sd > 1e-9 ? (float)Math.Clamp((amount - mean) / sd, -MaxZScore, MaxZScore) : 0f;
        f[10] = (float)Math.Log(1 + ((unixMs - (previous == long.MinValue ? unixMs - CardHistory.RetentionMs : previous)) / 1000.0));
        f[11] = count1H;
        f[12] = count24H;
        f[13] = count7D;
        f[14] = (float)Math.Log(1 + sum1H);
        f[15] = (float)Math.Log(1 + sum24H);
        f[16] = (float)Math.Log(1 + sum7D);
        f[17] = merchantCount;
        f[18] = here is { } a && there is { } b ? (float)Math.Log(1 + a.DistanceKmTo(b)) : Unknown;
    }
}
