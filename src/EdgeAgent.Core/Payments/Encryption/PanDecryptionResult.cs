namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>How reading an encrypted card number ended.</summary>
public enum PanDecryptionResult
{
    /// <summary>The card number was decrypted.</summary>
    Decrypted = 0,

    /// <summary>Not a JWE this agent reads: its form, its length, a header member or a value is out of bounds.</summary>
    Malformed,

    /// <summary>A header that asks for another algorithm, encryption, curve or a critical extension.</summary>
    Unsupported,

    /// <summary>The ephemeral public key is not a point on P-256.</summary>
    InvalidKey,

    /// <summary>The <c>kid</c> names no key this node holds (a terminal with an old or a foreign key).</summary>
    UnknownKey,

    /// <summary>The authentication tag does not match: the JWE was changed, or encrypted to another key under this kid.</summary>
    NotAuthentic,
}
