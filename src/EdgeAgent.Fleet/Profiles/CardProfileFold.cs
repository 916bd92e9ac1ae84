using EdgeAgent.Core.Features;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;

namespace EdgeAgent.Fleet.Profiles;

/// <summary>
/// A key rotation's fold without Orleans: a previous-key card's payments join the current-key card's slots, each in the
/// slot of the store that made it, by payment id. The result is the union of both cards' payments, trimmed as one card's
/// would be, whatever the order of folds and deltas and however often a fold is repeated.
/// </summary>
public static class CardProfileFold
{
    /// <summary>The result of a fold, with whether the state changed (and needs writing).</summary>
    public readonly record struct Outcome(FoldResult Result, bool Changed);

    /// <summary>Folds <paramref name="payments"/>, the history of <paramref name="previousToken"/>, into <paramref name="state"/>.</summary>
    public static Outcome Apply(CardProfileState state, string previousToken, IReadOnlyList<ProfilePayment> payments, long nowUnixMs, FleetOptions options)
    {
        if (state.FoldedFrom is { } from && !string.Equals(from, previousToken, StringComparison.Ordinal))
        {
            return new(new FoldResult(FoldOutcomes.Conflict, 0, 0), false);
        }

        if (payments.Count == 0 && state.Slots.Count == 0)
        {
            return new(new FoldResult(FoldOutcomes.Empty, 0, 0), false);
        }

        // Bound once, even to an empty history: a later link naming another previous-key card is then refused.
        var changed = state.FoldedFrom is null;
        state.FoldedFrom = previousToken;
        var cutoff = nowUnixMs - CardHistory.RetentionMs;
        var added = 0;
        var tooMany = 0;
        foreach (var store in payments.GroupBy(p => p.StoreId, StringComparer.Ordinal))
        {
            if (!CardProfileMerge.IsWellFormedId(store.Key))
            {
                continue;
            }

            if (!state.Slots.TryGetValue(store.Key, out var slot))
            {
                if (state.Slots.Count >= options.MaxStoresPerCard)
                {
                    tooMany += store.Count();
                    continue;
                }

                slot = new StoreSlot();
            }

            var known = new HashSet<string>(slot.Payments.Select(p => p.PaymentId), StringComparer.Ordinal);
            var merged = new List<SlotPayment>(slot.Payments);
            foreach (var p in store)
            {
                // A payment id already in the slot keeps its first content, as a delta's would.
                if (p.EventUnixMs >= cutoff && CardProfileMerge.IsWellFormedId(p.PaymentId) && known.Add(p.PaymentId))
                {
                    merged.Add(new SlotPayment(p.PaymentId, p.EventUnixMs, p.Amount, p.MerchantHash, p.Latitude, p.Longitude));
                }
            }

            if (merged.Count > slot.Payments.Count)
            {
                added += merged.Count - slot.Payments.Count;
                merged.Sort(CardProfileMerge.ByTimeThenId);
                slot.Payments = merged;
                slot.UpdatedUnixMs = nowUnixMs;
                state.Slots[store.Key] = slot;
                changed = true;
            }
        }

        if (added > 0)
        {
            CardProfileMerge.Trim(state, nowUnixMs);
        }

        return new(new FoldResult(added > 0 ? FoldOutcomes.Folded : FoldOutcomes.Already, added, tooMany), changed);
    }
}
