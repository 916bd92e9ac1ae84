using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Security;

/// <summary>The card tokenization key (configuration section <c>Tokenization</c>).</summary>
public sealed class TokenizationOptions
{
    public const string SectionName = "Tokenization";

    /// <summary>The HMAC key, base64, at least 32 bytes once decoded. Prefer <see cref="KeyFile"/> (a mounted secret) over putting the key in configuration.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// A file holding the key in base64. When neither this nor <see cref="Key"/> is set, the agent creates
    /// <c>{Storage:Path}/tokenization.key</c> on first start. Nodes whose tokens must match (one card, one token
    /// across a fleet) need the same key.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>Id of the key, written into every token so keys can be rotated. 1-16 of [A-Za-z0-9_-]. Default <c>k1</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,16}$")]
    public string KeyId { get; set; } = "k1";
}
