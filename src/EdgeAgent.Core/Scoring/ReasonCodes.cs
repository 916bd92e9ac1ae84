using System.Collections.Frozen;
using EdgeAgent.Core.Features;

namespace EdgeAgent.Core.Scoring;

/// <summary>
/// The reason code of each feature, by which side of the typical value (the training months' median, from the
/// model card) the payment's value lies: a feature that pushed the score up while above its median says
/// something other than the same feature below it (a card paid seconds ago against one unused for a week). The
/// model decides which features pushed; this table only names them. Every schema feature is in it.
/// </summary>
public static class ReasonCodes
{
    /// <summary>At most this many reasons per answer.</summary>
    public const int MaxReasons = 3;

    private static readonly FrozenDictionary<string, (string Above, string Below)> Codes =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["amount"] = ("high_amount", "low_amount"),
            ["log_amount"] = ("high_amount", "low_amount"),
            ["hour_of_day"] = ("unusual_hour", "unusual_hour"),
            ["is_night"] = ("night_time", "day_time"),
            ["day_of_week"] = ("unusual_day", "unusual_day"),
            ["is_ecommerce"] = ("card_not_present", "card_present"),
            ["mcc_index"] = ("merchant_category", "merchant_category"),
            ["amount_to_card_max_7d"] = ("amount_above_card_largest", "amount_below_card_largest"),
            ["amount_to_card_mean_7d"] = ("amount_far_above_card_usual", "amount_below_card_usual"),
            ["amount_zscore_card_7d"] = ("amount_far_above_card_usual", "amount_below_card_usual"),
            ["log_seconds_since_last"] = ("card_unused_for_long", "rapid_repeat_payment"),
            ["card_count_1h"] = ("many_payments_last_hour", "few_payments_last_hour"),
            ["card_count_24h"] = ("many_payments_last_day", "few_payments_last_day"),
            ["card_count_7d"] = ("many_payments_last_week", "little_card_history"),
            ["card_log_sum_1h"] = ("high_spend_last_hour", "low_spend_last_hour"),
            ["card_log_sum_24h"] = ("high_spend_last_day", "low_spend_last_day"),
            ["card_log_sum_7d"] = ("high_spend_last_week", "little_card_history"),
            ["card_merchants_24h"] = ("many_merchants_last_day", "few_merchants_last_day"),
            ["log_km_from_last"] = ("far_from_last_payment", "near_last_payment"),
            ["merchant_count_1h"] = ("busy_merchant_last_hour", "quiet_merchant_last_hour"),
            ["merchant_count_24h"] = ("busy_merchant_last_day", "quiet_merchant_last_day"),
            ["amount_to_merchant_mean_24h"] = ("amount_far_above_merchant_usual", "amount_below_merchant_usual"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The code of a feature whose value lies above (or at) the typical value, or below it.</summary>
    public static string For(string feature, bool above) =>
        Codes.TryGetValue(feature, out var codes) ? (above ? codes.Above : codes.Below) : feature;

    /// <summary>The code of schema feature <paramref name="index"/>; <paramref name="typical"/> null means "above".</summary>
    public static string For(int index, float value, float? typical) =>
        For(FeatureSchema.Names[index], typical is not { } t || value >= t);

    /// <summary>Features the table has no codes for (empty when it covers the schema).</summary>
    public static IEnumerable<string> Missing() => FeatureSchema.Names.Where(n => !Codes.ContainsKey(n));

    /// <summary>
    /// Fills <paramref name="reasons"/> with the features of largest positive contribution, largest first, one per
    /// code (two features of one code give one reason, the stronger); returns how many. No allocation.
    /// </summary>
    public static int Top(ReadOnlySpan<float> contributions, ReadOnlySpan<float> features, ReadOnlySpan<float> typical, Span<Reason> reasons)
    {
        var limit = Math.Min(MaxReasons, reasons.Length);
        var count = 0;
        Span<bool> used = stackalloc bool[contributions.Length];
        while (count < limit)
        {
            var best = -1;
            for (var i = 0; i < contributions.Length; i++)
            {
                if (!used[i] && contributions[i] > 0 && (best < 0 || contributions[i] > contributions[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            used[best] = true;
            var code = For(best, features[best], typical.IsEmpty ? null : typical[best]);
            if (!Contains(reasons[..count], code))
            {
                reasons[count++] = new Reason(code, FeatureSchema.Names[best], features[best], contributions[best]);
            }
        }

        return count;
    }

    private static bool Contains(ReadOnlySpan<Reason> reasons, string code)
    {
        foreach (var r in reasons)
        {
            if (ReferenceEquals(r.Code, code) || r.Code == code)
            {
                return true;
            }
        }

        return false;
    }
}
