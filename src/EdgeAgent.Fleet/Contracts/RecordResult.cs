namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// What became of a batch once it is durable. Refused deltas are not retried by a well-behaved sender: they fail
/// the same way every time, so the sender drops them and counts them.
/// </summary>
/// <param name="Accepted">Deltas new to the profile, now persisted.</param>
/// <param name="Duplicates">Deltas the store had sent before (a replay or a retry); they change nothing.</param>
/// <param name="Stale">Deltas older than the card's newest payment by more than the retention window; no feature can use them.</param>
/// <param name="Refused">Deltas refused, by reason (the reasons of <see cref="RefusalReasons"/>).</param>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RecordResult")]
public sealed record RecordResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] int Stale,
    [property: Id(3)] IReadOnlyDictionary<string, int> Refused)
{
    public int RefusedCount => Refused.Values.Sum();

    /// <summary>The previous-key token whose history this card has folded in (a key rotation); null when none.</summary>
    [Id(4)]
    public string? FoldedFrom { get; init; }

    /// <summary>
    /// For a previous-key card: the current-key card its history was folded into, so that a payment of it that arrives
    /// late (a store's backlog) is folded there too; null when none.
    /// </summary>
    [Id(5)]
    public string? FoldedInto { get; init; }
}
