using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Security;

/// <summary>The card tokenization key (configuration section <c>Tokenization</c>).</summary>
public sealed class TokenizationOptions : IValidatableObject
{
    public const string SectionName = "Tokenization";

    /// <summary>
    /// The HMAC key, base64, at least 32 bytes once decoded. For tests and tools: in production use <see cref="KeyFile"/>,
    /// a mounted secret, so the key is neither in configuration nor on the data volume.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>
    /// A file holding the key: <c>{keyId}:{base64}</c> (what <c>EdgeAgent credentials key</c> writes) or bare base64. Keep it
    /// off the data volume: a Kubernetes Secret or a read-only bind mount. When neither this nor <see cref="Key"/> is set,
    /// the agent creates <c>{Storage:Path}/tokenization.key</c> on first start (mode 0600). Nodes whose tokens must
    /// match (one card, one token across a fleet) need the same key.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Id of the key, written into every token. 1-16 of [A-Za-z0-9_-]. Unset: the id the key file names, else <c>k1</c>
    /// (a key the agent generates gets an id made from its fingerprint). A key file that names another id is refused.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,16}$")]
    public string? KeyId { get; set; }

    /// <summary>
    /// The key being rotated out, in a file like <see cref="KeyFile"/>. New tokens use the current key; a card's history is
    /// still found under its token from this key. Keep it for the feature windows (7 days) and the deduplication window
    /// (48 h) after the switch, then remove it. Unset by default.
    /// </summary>
    public string? PreviousKeyFile { get; set; }

    /// <summary>The previous key inline, base64 (tests and tools; prefer <see cref="PreviousKeyFile"/>). Unset by default.</summary>
    public string? PreviousKey { get; set; }

    /// <summary>Id of the previous key when its file does not name one, or for <see cref="PreviousKey"/>. Unset by default.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,16}$")]
    public string? PreviousKeyId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Key) && !string.IsNullOrWhiteSpace(KeyFile))
        {
            yield return new ValidationResult("Set Tokenization:Key or Tokenization:KeyFile, not both.", [nameof(Key), nameof(KeyFile)]);
        }

        if (!string.IsNullOrWhiteSpace(PreviousKey) && !string.IsNullOrWhiteSpace(PreviousKeyFile))
        {
            yield return new ValidationResult("Set Tokenization:PreviousKey or Tokenization:PreviousKeyFile, not both.", [nameof(PreviousKey), nameof(PreviousKeyFile)]);
        }

        if (!string.IsNullOrWhiteSpace(PreviousKey) && string.IsNullOrWhiteSpace(PreviousKeyId))
        {
            yield return new ValidationResult("Tokenization:PreviousKey needs Tokenization:PreviousKeyId.", [nameof(PreviousKeyId)]);
        }
    }
}
