namespace EdgeAgent.Fleet.Profiles;

/// <summary>
/// A card's persisted fleet state: one slot per store that saw it. A slot is a grow-only set of that store's
/// payments keyed by payment id, trimmed to the retention window; the state is a function of the union of all
/// deltas ever accepted, whatever their order or repetition.
/// </summary>
[GenerateSerializer, Alias("EdgeAgent.Fleet.CardProfileState")]
public sealed class CardProfileState
{
    [Id(0)]
    public Dictionary<string, StoreSlot> Slots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Key rotation: the previous-key token whose history this card took (one at most); null when none.</summary>
    [Id(1)]
    public string? FoldedFrom { get; set; }

    /// <summary>Key rotation: the current-key token this card's history went to (one at most); null when none.</summary>
    [Id(2)]
    public string? FoldedInto { get; set; }
}

/// <summary>One store's payments of a card, ordered by event time then payment id.</summary>
[GenerateSerializer, Alias("EdgeAgent.Fleet.StoreSlot")]
public sealed class StoreSlot
{
    [Id(0)]
    public List<SlotPayment> Payments { get; set; } = [];

    /// <summary>When this slot last changed, by the fleet's clock: the profile's age for the other stores.</summary>
    [Id(1)]
    public long UpdatedUnixMs { get; set; } = long.MinValue;
}

/// <summary>One payment in a slot.</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.SlotPayment")]
public sealed record SlotPayment(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] long EventUnixMs,
    [property: Id(2)] double Amount,
    [property: Id(3)] int MerchantHash,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude);
