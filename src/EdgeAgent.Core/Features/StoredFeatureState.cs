namespace EdgeAgent.Core.Features;

/// <summary>
/// The persisted feature state at start: the most recently active card histories and the merchants, the payments recorded
/// after what their snapshots cover (with their sequence numbers, to replay each over the entities it is not in yet), and
/// the cards the store holds beyond those loaded (found again when they pay).
/// </summary>
public sealed record StoredFeatureState(
    IReadOnlyList<CardHistorySnapshot> Cards,
    IReadOnlyList<MerchantActivitySnapshot> Merchants,
    IReadOnlyList<(long Sequence, FeatureUpdate Update)> Journal,
    IReadOnlyList<string> StoredCards)
{
    public static StoredFeatureState Empty { get; } = new([], [], [], []);
}
