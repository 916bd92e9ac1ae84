namespace EdgeAgent.Core.Fleet;

/// <summary>A store's deltas as one uplink message carries them.</summary>
/// <param name="StoreId">The store that sent them, as the sender says; the fleet checks it against the sender's identity.</param>
/// <param name="KeyFingerprint">Fingerprint of the tokenization key the tokens were made with (16 hex characters).</param>
/// <param name="Deltas">The payments.</param>
public sealed record FleetDeltaBatch(string StoreId, string KeyFingerprint, IReadOnlyList<FleetDelta> Deltas)
{
    /// <summary>During a key rotation, the previous-key tokens of some of the batch's cards; null otherwise.</summary>
    public FleetCardLinks? Links { get; init; }
}
