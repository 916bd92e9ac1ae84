namespace EdgeAgent.Core.Scoring;

/// <summary>
/// The training key's signature over a model card (<see cref="ModelCardSigning"/>): over every field but this one,
/// so over the model file's SHA-256, its thresholds and its feature list.
/// </summary>
public sealed class ModelCardSignature
{
    /// <summary>Always <see cref="ModelCardSigning.Algorithm"/> today.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Which key signed: <see cref="ModelCardSigning.KeyId"/> of its public key.</summary>
    public required string KeyId { get; init; }

    /// <summary>Base64 of the signature (r ‖ s, 64 bytes for P-256).</summary>
    public required string Value { get; init; }
}
