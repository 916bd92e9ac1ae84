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
    public async Task<RecordResult> RecordAsync(string storeId, IReadOnlyList<CardDelta> deltas)
    {
        var token = this.GetPrimaryKeyString();
        var outcome = CardProfileMerge.Apply(state.State, token, storeId, deltas, time.GetUtcNow().ToUnixTimeMilliseconds(), options.Value);
        if (outcome.Changed)
        {
            await WriteAsync();
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

    [ReadOnly]
    public Task<IReadOnlyList<CardProfile>> ProfilesForOthersAsync(string writerStoreId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = now - CardHistory.RetentionMs;
        var profiles = new List<CardProfile>();
        foreach (var (storeId, slot) in state.State.Slots)
        {
            if (!string.Equals(storeId, writerStoreId, StringComparison.Ordinal) && slot.Payments.Exists(p => p.EventUnixMs >= cutoff))
            {
                metrics.Read();
                profiles.Add(CardProfileMerge.Read(state.State, this.GetPrimaryKeyString(), storeId, now));
            }
        }

        return Task.FromResult<IReadOnlyList<CardProfile>>(profiles);
    }

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
