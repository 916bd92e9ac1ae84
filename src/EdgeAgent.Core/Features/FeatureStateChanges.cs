namespace EdgeAgent.Core.Features;

/// <summary>
/// Card and merchant snapshots to persist with a batch, and the sequence number up to which the persisted state then holds
/// every payment (a start replays only the payments after it, each over the entities whose snapshots do not hold it yet).
/// </summary>
public sealed record FeatureStateChanges(IReadOnlyList<CardHistorySnapshot> Cards, IReadOnlyList<MerchantActivitySnapshot> Merchants, long CoveredThrough = 0)
{
    /// <summary>No change.</summary>
    public static FeatureStateChanges None { get; } = new([], []);

    /// <summary>True when no card and no merchant changed.</summary>
    public bool IsEmpty => Cards.Count == 0 && Merchants.Count == 0;
}
