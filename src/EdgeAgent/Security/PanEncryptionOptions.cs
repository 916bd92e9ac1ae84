using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Security;

/// <summary>The node's key pair for card numbers the terminals encrypt (configuration section <c>PanEncryption</c>).</summary>
public sealed class PanEncryptionOptions : IValidatableObject
{
    public const string SectionName = "PanEncryption";

    /// <summary>
    /// The node's P-256 private key, PKCS#8 PEM (what <c>EdgeAgent credentials pan-key</c> writes, mode 0600): terminals
    /// encrypt the card number to its public half (the <c>.jwk</c> beside it) and name it by its kid, the RFC 7638
    /// thumbprint. A mounted secret, off the data volume. Unset by default: every encrypted card number is refused
    /// (<c>pan_key_unknown</c>) and only clear ones are read, where <c>Validation:ClearPan</c> allows them.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// During a rotation, the key rotated out (<c>credentials pan-key --rotate</c> moves it to <c>{name}.previous.key</c>):
    /// card numbers encrypted to it are still read until every terminal has the new public key. Remove it once
    /// <c>edgeagent_pan_decrypted_total{key="previous"}</c> stays flat. Unset by default.
    /// </summary>
    public string? PreviousKeyFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(KeyFile) && !string.IsNullOrWhiteSpace(PreviousKeyFile))
        {
            yield return new ValidationResult("PanEncryption:PreviousKeyFile needs PanEncryption:KeyFile (the key that replaced it).", [nameof(PreviousKeyFile)]);
        }
    }
}
