namespace EdgeAgent.Core.Scoring;

/// <summary>What checking a model card's signature against the trusted keys found.</summary>
public enum SignatureCheck
{
    /// <summary>Signed by a trusted key, and the card is what it signed.</summary>
    Valid,

    /// <summary>The card has no signature.</summary>
    NotSigned,

    /// <summary>Signed by a key the agent does not trust (or a signature of another algorithm).</summary>
    UnknownKey,

    /// <summary>The signature does not verify: the card was changed after signing, or the signature is forged.</summary>
    BadSignature,
}
