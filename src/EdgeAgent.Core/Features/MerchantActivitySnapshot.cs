namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="MerchantActivity"/>; the key is the payment's merchant id.</summary>
public sealed record MerchantActivitySnapshot(string MerchantKey, WindowSnapshot LastHour, WindowSnapshot LastDay);
