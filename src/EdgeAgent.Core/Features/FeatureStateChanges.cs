namespace EdgeAgent.Core.Features;

/// <summary>The card and merchant state that one batch of payments changed.</summary>
public sealed record FeatureStateChanges(IReadOnlyList<CardHistorySnapshot> Cards, IReadOnlyList<MerchantActivitySnapshot> Merchants)
{
    public static FeatureStateChanges None { get; } = new([], []);
}
