namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// The one owner of a card's fleet-wide history, keyed by the card's token. Each store writes only its own slot;
/// the slots merge by union keyed by payment id, so duplicates, replays and late arrivals never count twice.
/// </summary>
[Alias("EdgeAgent.Fleet.ICardProfileGrain")]
public interface ICardProfileGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a batch of one store's deltas for this card. Returns once the result is durable in the fleet's
    /// store: an acknowledged delta survives the loss of any silo.
    /// </summary>
    /// <param name="storeId">The writing store; only its slot changes. Taken from the caller's identity once the uplink authenticates.</param>
    /// <param name="deltas">The store's deltas for this card, in any order, duplicates allowed.</param>
    [Alias("Record")]
    Task<RecordResult> RecordAsync(string storeId, IReadOnlyList<CardDelta> deltas);

    /// <summary>
    /// The card's profile without <paramref name="excludedStoreId"/>'s slot. Interleaves with every other call, so a
    /// first-sight fetch never waits for a write to Redis under way: it reads the state in memory, which may hold a
    /// batch whose write has not finished (that batch's store has no receipt yet and sends it again until it has one).
    /// </summary>
    [Alias("ReadExcluding")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CardProfile> ReadExcludingAsync(string excludedStoreId);

    /// <summary>
    /// A store's first-sight fetch: the card's profile without <paramref name="storeId"/>'s slot, as
    /// <see cref="ReadExcludingAsync"/> reads it, and from then on the store counts for pushes as one that saw the card
    /// at the fetch's time, as if it had paid it then. The other stores' payments recorded between the fetch and the
    /// store's own first delta are pushed to it too, where before they reached it only with the card's next change.
    /// Held in the activation's memory, at most <c>Fleet:MaxStoresPerCard</c> stores a card.
    /// </summary>
    [Alias("FetchFor")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CardProfile> FetchForAsync(string storeId);

    /// <summary>
    /// The profile each store that saw the card (paid it, or fetched it: <see cref="FetchForAsync"/>) within the retention
    /// window should now hold, other than
    /// <paramref name="writerStoreId"/> (whose own payments just changed, and which never reads its own slot): each
    /// without the receiving store's slot. What the uplink pushes after a store's batch is recorded.
    /// </summary>
    [Alias("ProfilesForOthers")]
    Task<IReadOnlyList<CardProfile>> ProfilesForOthersAsync(string writerStoreId);

    /// <summary>
    /// Key rotation, on the previous-key card: its history (every store's payments of the window) for the current-key
    /// card <paramref name="currentToken"/>, which it is bound to from then on; not granted when it went to another card
    /// before. A card with no history is bound to nothing.
    /// </summary>
    [Alias("ExportForFold")]
    Task<FoldExport> ExportForFoldAsync(string currentToken);

    /// <summary>
    /// Key rotation, on the current-key card: joins the previous-key card's payments to this card's slots, each in its
    /// store's slot, by payment id (a fold repeated, or done by two stores at once, adds nothing). The card takes one
    /// previous-key card only: another one is a conflict and changes nothing. Returns once durable.
    /// </summary>
    [Alias("Fold")]
    Task<FoldResult> FoldAsync(string previousToken, IReadOnlyList<ProfilePayment> payments);
}
