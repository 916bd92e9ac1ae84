namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// A card's fleet-wide history as one store should see it: every other store's payments of the retention window,
/// oldest first, at most as many as an agent keeps. The asking store's own slot is left out because the store
/// holds its own payments exactly; adding them again would count them twice.
/// </summary>
/// <param name="CardToken">The card's token.</param>
/// <param name="ExcludedStoreId">The store whose slot was left out.</param>
/// <param name="Payments">The other stores' payments, oldest first.</param>
/// <param name="Stores">How many other stores saw the card within the window.</param>
/// <param name="LatestEventUnixMs">Event time of the newest payment included, or <see cref="long.MinValue"/> when none.</param>
/// <param name="UpdatedUnixMs">When an included slot last changed (fleet clock), or <see cref="long.MinValue"/> when none.</param>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.CardProfile")]
public sealed record CardProfile(
    [property: Id(0)] string CardToken,
    [property: Id(1)] string ExcludedStoreId,
    [property: Id(2)] IReadOnlyList<ProfilePayment> Payments,
    [property: Id(3)] int Stores,
    [property: Id(4)] long LatestEventUnixMs,
    [property: Id(5)] long UpdatedUnixMs)
{
    /// <summary>Whether any other store saw the card: a model input of its own, beside the profile's age.</summary>
    public bool Present => Payments.Count > 0;

    /// <summary>The previous-key token whose history this card has folded in (a key rotation); null when none.</summary>
    [Id(6)]
    public string? FoldedFrom { get; init; }
}

/// <summary>One payment in a profile, with the store that reported it.</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.ProfilePayment")]
public sealed record ProfilePayment(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] long EventUnixMs,
    [property: Id(3)] double Amount,
    [property: Id(4)] int MerchantHash,
    [property: Id(5)] double Latitude,
    [property: Id(6)] double Longitude);
