namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// The fleet's view of its stores, one activation for the whole cluster (key <see cref="Key"/>), so every silo
/// serves the same view: each store's last metric snapshot and, from it and the clock, whether the store is online
/// and whether its alert rate or latency left its band. What a rollout reads to gate a step on a store's health.
/// </summary>
[Alias("EdgeAgent.Fleet.IFleetViewGrain")]
public interface IFleetViewGrain : IGrainWithStringKey
{
    /// <summary>The one key of the fleet's view.</summary>
    public const string Key = "fleet";

    /// <summary>Takes a store's snapshot; one older than the store's last (a redelivery) is ignored.</summary>
    [Alias("Record")]
    Task RecordAsync(StoreSnapshot snapshot);

    /// <summary>Takes a store's reported properties; one for an older desired version than the store's last is ignored.</summary>
    [Alias("RecordReport")]
    Task RecordReportAsync(StoreReport report);

    /// <summary>Every known store's view at this moment, stores without a snapshot included.</summary>
    [Alias("Stores")]
    Task<IReadOnlyList<StoreView>> StoresAsync();

    /// <summary>One store's view, or null when the store is not one of the fleet's.</summary>
    [Alias("Store")]
    Task<StoreView?> StoreAsync(string storeId);
}
