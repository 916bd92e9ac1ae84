namespace EdgeAgent.Core.Scoring;

/// <summary>Why a model was refused, as the <c>reason</c> tag of <c>edgeagent_model_refusals_total</c> and the reported properties name it.</summary>
public static class ModelRefusalReasons
{
    /// <summary>The card carries no signature and signed models are required.</summary>
    public const string NotSigned = "unsigned";

    /// <summary>The card is signed by a key the agent does not trust.</summary>
    public const string UnknownKey = "unknown_key";

    /// <summary>The signature does not verify: the card was changed after signing, or the signature is forged.</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>The model file is not the one the signed card names (its SHA-256 differs).</summary>
    public const string FileAltered = "file_altered";

    /// <summary>No trusted key could be read (<c>Inference:ModelSigningKeys</c>).</summary>
    public const string NoTrustedKey = "no_trusted_key";

    /// <summary>A model assigned from the cloud could not be downloaded (unreachable, too large, too slow).</summary>
    public const string Download = "download";

    /// <summary>What was downloaded is not what the cloud assigned (name, version or SHA-256 differ).</summary>
    public const string Mismatch = "mismatch";

    /// <summary>Any other failed check: no card, another feature schema, a graph the agent cannot feed, a failed warm-up.</summary>
    public const string Invalid = "invalid";

    /// <summary>Every reason, for counters that show zeros.</summary>
    public static IReadOnlyList<string> All { get; } = [NotSigned, UnknownKey, BadSignature, FileAltered, NoTrustedKey, Download, Mismatch, Invalid];
}
