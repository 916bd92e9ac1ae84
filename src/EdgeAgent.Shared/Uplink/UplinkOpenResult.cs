namespace EdgeAgent.Shared.Uplink;

/// <summary>What <see cref="UplinkPayload.TryOpen"/> made of a body.</summary>
public enum UplinkOpenResult
{
    /// <summary>Plain JSON, taken as it is.</summary>
    Plain,

    /// <summary>gzip inflated, or an Avro records batch turned into its JSON, within the cap.</summary>
    Inflated,

    /// <summary>gzip or an Avro records batch that inflates past the cap: refused before more was held.</summary>
    TooLarge,

    /// <summary>Starts as gzip and is not a whole gzip stream, or as an Avro container that is cut off or of another schema.</summary>
    Corrupt,
}
