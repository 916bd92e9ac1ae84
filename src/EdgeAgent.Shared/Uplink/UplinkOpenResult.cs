namespace EdgeAgent.Shared.Uplink;

/// <summary>What <see cref="UplinkPayload.TryOpen"/> made of a body.</summary>
public enum UplinkOpenResult
{
    /// <summary>Plain JSON, taken as it is.</summary>
    Plain,

    /// <summary>gzip, inflated within the cap.</summary>
    Inflated,

    /// <summary>gzip that inflates past the cap: refused before more was held.</summary>
    TooLarge,

    /// <summary>Starts as gzip and is not a whole gzip stream.</summary>
    Corrupt,
}
