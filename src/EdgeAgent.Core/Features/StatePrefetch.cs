namespace EdgeAgent.Core.Features;

/// <summary>
/// What intake read from the store ahead of the scoring loop for one payment (a card or merchant not in memory), with the
/// eviction marks taken before reading, so the loop can tell whether it is still the latest state.
/// </summary>
public readonly record struct StatePrefetch(
    CardHistorySnapshot? Card,
    CardHistorySnapshot? PreviousCard,
    MerchantActivitySnapshot? Merchant,
    long CardMark,
    long MerchantMark);
