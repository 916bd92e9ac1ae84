namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="MerchantActivity"/>; the key is the payment's merchant id.</summary>
public sealed record MerchantActivitySnapshot(string MerchantKey, WindowSnapshot LastHour, WindowSnapshot LastDay)
{
    /// <summary>The last payment (by sequence number) this snapshot holds: a replay at start applies only later ones. 0: unknown.</summary>
    public long Sequence { get; init; }
}
