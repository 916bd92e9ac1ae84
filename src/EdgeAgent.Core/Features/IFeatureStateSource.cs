namespace EdgeAgent.Core.Features;

/// <summary>Where the persisted state of a card or merchant that is not in memory can be found.</summary>
public interface IFeatureStateSource
{
    /// <summary>The stored history of a card, or null when the store has none.</summary>
    CardHistorySnapshot? FindCard(string cardToken);

    /// <summary>The stored activity of a merchant, or null when the store has none.</summary>
    MerchantActivitySnapshot? FindMerchant(string merchantKey);
}
