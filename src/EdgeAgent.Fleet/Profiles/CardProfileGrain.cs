using EdgeAgent.Core.Features;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace EdgeAgent.Fleet.Profiles;

/// <summary>
/// The owner of one card's fleet history. A batch is acknowledged only after its state is written to the store,
/// so a silo that dies loses nothing acknowledged; a write that fails drops the activation, and the next call
/// reloads what the store holds instead of serving a state the store never took.
/// </summary>
internal sealed partial class CardProfileGrain(
    [PersistentState("card", FleetStorage.Name)] IPersistentState<CardProfileState> state,
    IOptions<FleetOptions> options,
    TimeProvider time,
    FleetMetrics metrics,
    RefusalLog refusals,
    ILogger<CardProfileGrain> logger) : Grain, ICardProfileGrain
{
    /// <summary>
    /// The stores that fetched the card and whose own payment of it the fleet has not yet recorded, with the fetch's
    /// time: they are pushed the card's changes like the stores that paid it. In memory only: a fetch answered by an
    /// activation that is lost before the store's delta arrives is forgotten with it. Made with the card's first fetch.
    /// </summary>
    private Dictionary<string, long>? _fetchedBy;

    public async Task<RecordResult> RecordAsync(string storeId, IReadOnlyList<CardDelta> deltas)
    {
        var token = this.GetPrimaryKeyString();
        var outcome = CardProfileMerge.Apply(state.State, token, storeId, deltas, time.GetUtcNow().ToUnixTimeMilliseconds(), options.Value);
        if (outcome.Changed)
        {
            await WriteAsync();
        }

        if (outcome.Result.Accepted > 0)
        {
            // Its slot holds its own payment now, made after (or at) its fetch: the slot keeps it among those pushed.
            _fetchedBy?.Remove(storeId);
        }

        Report(outcome.Result, storeId, metrics, refusals);
        return outcome.Result with { FoldedFrom = state.State.FoldedFrom, FoldedInto = state.State.FoldedInto };
    }

    public async Task<FoldExport> ExportForFoldAsync(string currentToken)
    {
        var current = state.State;
        if (current.FoldedInto is { } into && !string.Equals(into, currentToken, StringComparison.Ordinal))
        {
            return new FoldExport(false, []);
        }

        var history = CardProfileMerge.Read(current, this.GetPrimaryKeyString(), "", time.GetUtcNow().ToUnixTimeMilliseconds()).Payments;
        if (history.Count > 0 && current.FoldedInto is null)
        {
            // Bound before the history leaves: a link naming this card for another current-key card is refused from now on.
            current.FoldedInto = currentToken;
            await WriteAsync();
        }

        return new FoldExport(true, history);
    }

    public async Task<FoldResult> FoldAsync(string previousToken, IReadOnlyList<ProfilePayment> payments)
    {
        var outcome = CardProfileFold.Apply(state.State, previousToken, payments, time.GetUtcNow().ToUnixTimeMilliseconds(), options.Value);
        if (outcome.Changed)
        {
            await WriteAsync();
        }

        metrics.Linked(outcome.Result.Outcome);
        if (outcome.Result.TooManyStores > 0)
        {
            metrics.Refused(RefusalReasons.TooManyStores, outcome.Result.TooManyStores);
        }

        return outcome.Result;
    }

    [ReadOnly]
    public Task<CardProfile> ReadExcludingAsync(string excludedStoreId)
    {
        metrics.Read();
        return Task.FromResult(CardProfileMerge.Read(
            state.State, this.GetPrimaryKeyString(), excludedStoreId ?? "", time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    public Task<CardProfile> FetchForAsync(string storeId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (CardProfileMerge.IsWellFormedId(storeId))
        {
            _fetchedBy ??= new(StringComparer.Ordinal);
            if (!_fetchedBy.ContainsKey(storeId) && _fetchedBy.Count >= options.Value.MaxStoresPerCard)
            {
                var cutoff = now - CardHistory.RetentionMs;
                foreach (var (fetcher, fetched) in _fetchedBy)
                {
                    if (fetched < cutoff)
                    {
                        _fetchedBy.Remove(fetcher);
                    }
                }
            }

            // Past the cap (as many stores as a card's slots may have) the fetch is answered, and the store is pushed
            // the card's changes once its own delta gives it a slot.
            if (_fetchedBy.ContainsKey(storeId) || _fetchedBy.Count < options.Value.MaxStoresPerCard)
            {
                _fetchedBy[storeId] = now;
            }
        }

        metrics.Read();
        return Task.FromResult(CardProfileMerge.Read(state.State, this.GetPrimaryKeyString(), storeId ?? "", now));
    }

    [ReadOnly]
    public Task<IReadOnlyList<CardProfile>> ProfilesForOthersAsync(string writerStoreId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = now - CardHistory.RetentionMs;
        var profiles = new List<CardProfile>();
        foreach (var (storeId, slot) in state.State.Slots)
        {
            if (!string.Equals(storeId, writerStoreId, StringComparison.Ordinal)
                && (slot.Payments.Exists(p => p.EventUnixMs >= cutoff) || FetchedSince(storeId, cutoff)))
            {
                metrics.Read();
                profiles.Add(CardProfileMerge.Read(state.State, this.GetPrimaryKeyString(), storeId, now));
            }
        }

        foreach (var (storeId, fetched) in _fetchedBy ?? [])
        {
            if (fetched >= cutoff && !state.State.Slots.ContainsKey(storeId) && !string.Equals(storeId, writerStoreId, StringComparison.Ordinal))
            {
                metrics.Read();
                profiles.Add(CardProfileMerge.Read(state.State, this.GetPrimaryKeyString(), storeId, now));
            }
        }

        return Task.FromResult<IReadOnlyList<CardProfile>>(profiles);
    }

    private bool FetchedSince(string storeId, long cutoff) => _fetchedBy?.TryGetValue(storeId, out var fetched) == true && fetched >= cutoff;

    /// <summary>Writes the state; a write that fails drops the activation, so the next call reloads what the store holds.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Counts a batch's outcome and logs its refusals through the throttle.</summary>
    internal static void Report(RecordResult result, string storeId, FleetMetrics metrics, RefusalLog refusals)
    {
        metrics.Recorded("accepted", result.Accepted);
        metrics.Recorded("duplicate", result.Duplicates);
        metrics.Recorded("stale", result.Stale);
        foreach (var (reason, count) in result.Refused)
        {
            metrics.Refused(reason, count);
            refusals.Refused(reason, CardProfileMerge.IsWellFormedId(storeId) ? storeId : "(malformed)", count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A card profile could not be written; the activation is dropped and reloads from the store")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
