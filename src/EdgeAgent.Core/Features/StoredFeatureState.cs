namespace EdgeAgent.Core.Features;

/// <summary>The persisted feature state: the last snapshot of cards and merchants, and the journal of payments since.</summary>
public sealed record StoredFeatureState(
    IReadOnlyList<CardHistorySnapshot> Cards,
    IReadOnlyList<MerchantActivitySnapshot> Merchants,
    IReadOnlyList<FeatureUpdate> Journal);
