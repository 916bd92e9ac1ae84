namespace EdgeAgent.Core.Features;

/// <summary>
/// The persisted feature state at start: the most recently active card histories and merchants, up to the caps, the
/// payments recorded after what their snapshots cover (with their sequence numbers, to replay each over the entities it
/// is not in yet), and how many stored cards and merchants were left in the store (found again when they pay).
/// </summary>
public sealed record StoredFeatureState(
    IReadOnlyList<CardHistorySnapshot> Cards,
    IReadOnlyList<MerchantActivitySnapshot> Merchants,
    IReadOnlyList<(long Sequence, FeatureUpdate Update)> Journal)
{
    /// <summary>A store with nothing in it.</summary>
    public static StoredFeatureState Empty { get; } = new([], [], []);

    /// <summary>Stored cards not loaded (over the card cap).</summary>
    public long CardsLeft { get; init; }

    /// <summary>Stored merchants not loaded (over the merchant cap).</summary>
    public long MerchantsLeft { get; init; }
}
