namespace EdgeAgent.Core.Features;

/// <summary>
/// The features a model sees, in order. Training and scoring both fill vectors through
/// <see cref="FeatureExtractor"/>, and every model card names the schema version it was trained on:
/// the agent refuses a model whose version or feature list differs from this one. Every feature is keyed by
/// what the payment itself says (card token, merchant id), never by the store or terminal of the topic: how a site
/// splits its traffic over stores and terminals does not move them.
/// </summary>
public static class FeatureSchema
{
    /// <summary>Bump on any change of meaning, order or count.</summary>
    public const string Version = "fraud-features/3";

    /// <summary>Feature names in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "amount",
        "log_amount",
        "hour_of_day",
        "is_night",
        "day_of_week",
        "is_ecommerce",
        "mcc_index",
        "amount_to_card_max_7d",
        "amount_to_card_mean_7d",
        "amount_zscore_card_7d",
        "log_seconds_since_last",
        "card_count_1h",
        "card_count_24h",
        "card_count_7d",
        "card_log_sum_1h",
        "card_log_sum_24h",
        "card_log_sum_7d",
        "card_merchants_24h",
        "log_km_from_last",
        "merchant_count_1h",
        "merchant_count_24h",
        "amount_to_merchant_mean_24h",
    ];

    /// <summary>Length of a feature vector.</summary>
    public static int Count => Names.Count;

    /// <summary>Index of <c>mcc_index</c>, which models may embed as a category.</summary>
    public const int MccIndexPosition = 6;
}
