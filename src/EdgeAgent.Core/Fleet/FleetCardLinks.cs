namespace EdgeAgent.Core.Fleet;

/// <summary>
/// During a tokenization key rotation: the tokens a batch's cards had under the previous key, so that the fleet can
/// fold each card's previous-key history into its current-key profile. The store computes them from the card number
/// when it tokenizes the payment, never sends the number, and names them only until the fleet has them.
/// </summary>
/// <param name="PreviousKeyFingerprint">Fingerprint of the previous key (16 hex characters); the fleet takes the links only for a key it lists.</param>
/// <param name="PreviousTokens">Current token → the same card's previous-key token, for cards of the batch.</param>
public sealed record FleetCardLinks(string PreviousKeyFingerprint, IReadOnlyDictionary<string, string> PreviousTokens);
