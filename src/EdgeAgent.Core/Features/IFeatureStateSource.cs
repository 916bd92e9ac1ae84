namespace EdgeAgent.Core.Features;

/// <summary>Where the persisted state of a card or merchant that is not in memory can be found.</summary>
public interface IFeatureStateSource
{
    CardHistorySnapshot? FindCard(string cardToken);

    MerchantActivitySnapshot? FindMerchant(string merchantKey);
}
