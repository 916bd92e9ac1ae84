namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// A previous-key card's history handed to its current-key card during a key rotation: every store's payments of the
/// retention window, each with its store, so that each lands in that store's slot.
/// </summary>
/// <param name="Granted">False when this history already went to another current-key card (<see cref="RefusalReasons.LinkConflict"/>).</param>
/// <param name="Payments">The payments, oldest first; empty when the previous-key card has none.</param>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.FoldExport")]
public sealed record FoldExport(
    [property: Id(0)] bool Granted,
    [property: Id(1)] IReadOnlyList<ProfilePayment> Payments);
