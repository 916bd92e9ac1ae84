namespace EdgeAgent.Fleet.Contracts;

/// <summary>What folding a previous-key card's history into a current-key card did.</summary>
/// <param name="Outcome">One of <see cref="FoldOutcomes"/>.</param>
/// <param name="Added">Payments new to the current-key card.</param>
/// <param name="TooManyStores">Payments left out because the card already had <c>Fleet:MaxStoresPerCard</c> slots.</param>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.FoldResult")]
public sealed record FoldResult(
    [property: Id(0)] string Outcome,
    [property: Id(1)] int Added,
    [property: Id(2)] int TooManyStores);
