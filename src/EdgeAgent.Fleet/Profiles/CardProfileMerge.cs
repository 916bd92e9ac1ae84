using EdgeAgent.Core.Features;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;

namespace EdgeAgent.Fleet.Profiles;

/// <summary>
/// The card profile's rules without Orleans: what a delta must look like, how a store's deltas join its slot, and
/// what a store reads. Kept pure so that idempotence and order-freedom are properties of one function.
/// </summary>
public static class CardProfileMerge
{
    /// <summary>Longest payment id or store id accepted: room for a keyed hash in hex or base64.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The result of merging one batch, with whether the state changed (and needs writing).</summary>
    public readonly record struct Outcome(RecordResult Result, bool Changed);

    /// <summary>
    /// Merges one store's batch into the card's state. Only <paramref name="storeId"/>'s slot is written. Refused
    /// deltas leave the state as it was.
    /// </summary>
    public static Outcome Apply(CardProfileState state, string cardToken, string storeId, IReadOnlyList<CardDelta>? deltas, long nowUnixMs, FleetOptions options)
    {
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        if (deltas is null || deltas.Count == 0)
        {
            return new(new RecordResult(0, 0, 0, refused), false);
        }

        if (!IsWellFormedId(storeId))
        {
            refused[RefusalReasons.BadStore] = deltas.Count;
            return new(new RecordResult(0, 0, 0, refused), false);
        }

        if (deltas.Count > options.MaxBatchDeltas)
        {
            refused[RefusalReasons.BatchTooLarge] = deltas.Count;
            return new(new RecordResult(0, 0, 0, refused), false);
        }

        if (!state.Slots.TryGetValue(storeId, out var slot))
        {
            if (state.Slots.Count >= options.MaxStoresPerCard)
            {
                refused[RefusalReasons.TooManyStores] = deltas.Count;
                return new(new RecordResult(0, 0, 0, refused), false);
            }

            slot = new StoreSlot();
        }

        var known = new Dictionary<string, SlotPayment>(slot.Payments.Count + deltas.Count, StringComparer.Ordinal);
        foreach (var payment in slot.Payments)
        {
            known[payment.PaymentId] = payment;
        }

        var added = new List<SlotPayment>();
        var duplicates = 0;
        foreach (var delta in deltas)
        {
            var reason = Check(delta, cardToken, nowUnixMs, options);
            if (reason is null)
            {
                var payment = new SlotPayment(delta.PaymentId, delta.EventUnixMs, delta.Amount, delta.MerchantHash, delta.Latitude, delta.Longitude);
                if (known.TryGetValue(payment.PaymentId, out var existing))
                {
                    // The same id with other content is a store bug or a forgery; the first version stays, so a
                    // replay can never rewrite what the other stores have already read.
                    if (SameContent(existing, payment))
                    {
                        duplicates++;
                        continue;
                    }

                    reason = RefusalReasons.Conflict;
                }
                else
                {
                    known[payment.PaymentId] = payment;
                    added.Add(payment);
                    continue;
                }
            }

            refused[reason] = refused.GetValueOrDefault(reason) + 1;
        }

        if (added.Count == 0)
        {
            return new(new RecordResult(0, duplicates, 0, refused), false);
        }

        var merged = new List<SlotPayment>(slot.Payments.Count + added.Count);
        merged.AddRange(slot.Payments);
        merged.AddRange(added);
        merged.Sort(ByTimeThenId);
        slot.Payments = merged;
        state.Slots[storeId] = slot;

        // Trimming depends only on the union of the slots (the card's newest event) and the clock, never on the
        // order deltas came in: a delta that arrives after its window has passed is dropped just as it would have
        // been trimmed had it come first.
        Trim(state, nowUnixMs);
        var kept = state.Slots.TryGetValue(storeId, out var after) ? after.Payments : [];
        var keptIds = new HashSet<string>(kept.Select(p => p.PaymentId), StringComparer.Ordinal);
        var accepted = added.Count(p => keptIds.Contains(p.PaymentId));
        if (accepted > 0 && after is not null)
        {
            after.UpdatedUnixMs = nowUnixMs;
        }

        return new(new RecordResult(accepted, duplicates, added.Count - accepted, refused), true);
    }

    /// <summary>The card's payments of every store but <paramref name="excludedStoreId"/>, within the retention window of now.</summary>
    public static CardProfile Read(CardProfileState state, string cardToken, string excludedStoreId, long nowUnixMs)
    {
        var cutoff = nowUnixMs - CardHistory.RetentionMs;
        var payments = new List<ProfilePayment>();
        var stores = 0;
        var updated = long.MinValue;
        foreach (var (storeId, slot) in state.Slots)
        {
            if (string.Equals(storeId, excludedStoreId, StringComparison.Ordinal))
            {
                continue;
            }

            var before = payments.Count;
            foreach (var p in slot.Payments)
            {
                if (p.EventUnixMs >= cutoff)
                {
                    payments.Add(new ProfilePayment(storeId, p.PaymentId, p.EventUnixMs, p.Amount, p.MerchantHash, p.Latitude, p.Longitude));
                }
            }

            if (payments.Count > before)
            {
                stores++;
                updated = Math.Max(updated, slot.UpdatedUnixMs);
            }
        }

        payments.Sort(static (a, b) =>
        {
            var c = a.EventUnixMs.CompareTo(b.EventUnixMs);
            c = c != 0 ? c : string.CompareOrdinal(a.StoreId, b.StoreId);
            return c != 0 ? c : string.CompareOrdinal(a.PaymentId, b.PaymentId);
        });

        // An agent keeps the newest payments up to its cap; the profile gives it no more than it could hold.
        if (payments.Count > CardHistory.MaxRecent)
        {
            payments.RemoveRange(0, payments.Count - CardHistory.MaxRecent);
        }

        var latest = payments.Count > 0 ? payments[^1].EventUnixMs : long.MinValue;
        return new CardProfile(cardToken, excludedStoreId, payments, stores, latest, updated) { FoldedFrom = state.FoldedFrom };
    }

    /// <summary>Why a delta is refused, or null when it is sound.</summary>
    public static string? Check(CardDelta? delta, string cardToken, long nowUnixMs, FleetOptions options)
    {
        if (delta is null || delta.Schema != CardDelta.CurrentSchema)
        {
            return RefusalReasons.UnknownSchema;
        }

        if (!string.Equals(delta.CardToken, cardToken, StringComparison.Ordinal))
        {
            return RefusalReasons.WrongCard;
        }

        if (!IsWellFormedId(delta.PaymentId))
        {
            return RefusalReasons.BadPaymentId;
        }

        // A payment id is the store's own key; one that is a valid card number means a store is leaking numbers.
        if (LooksLikeCardNumber(delta.PaymentId))
        {
            return RefusalReasons.CardNumber;
        }

        if (delta.EventUnixMs > nowUnixMs + (long)options.MaxFutureSkew.TotalMilliseconds)
        {
            return RefusalReasons.Future;
        }

        if (delta.EventUnixMs < nowUnixMs - CardHistory.RetentionMs)
        {
            return RefusalReasons.Expired;
        }

        if (!double.IsFinite(delta.Amount) || delta.Amount < 0 || delta.Amount > options.MaxAmount)
        {
            return RefusalReasons.BadAmount;
        }

        var noPlace = double.IsNaN(delta.Latitude) && double.IsNaN(delta.Longitude);
        var place = delta.Latitude is >= -90 and <= 90 && delta.Longitude is >= -180 and <= 180;
        return noPlace || place ? null : RefusalReasons.BadPlace;
    }

    /// <summary>Ids are short printable ASCII keys: letters, digits and - _ . : only.</summary>
    public static bool IsWellFormedId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A string of 12 to 19 digits that passes the Luhn check.</summary>
    public static bool LooksLikeCardNumber(string value)
    {
        if (value.Length is < 12 or > 19 || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        var doubled = false;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var d = value[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    internal static void Trim(CardProfileState state, long nowUnixMs)
    {
        var newest = long.MinValue;
        foreach (var slot in state.Slots.Values)
        {
            if (slot.Payments.Count > 0)
            {
                newest = Math.Max(newest, slot.Payments[^1].EventUnixMs);
            }
        }

        var cutoff = Math.Max(newest - CardHistory.RetentionMs, nowUnixMs - CardHistory.RetentionMs);
        foreach (var storeId in state.Slots.Keys.ToList())
        {
            var payments = state.Slots[storeId].Payments;
            var drop = 0;
            while (drop < payments.Count && (payments[drop].EventUnixMs < cutoff || payments.Count - drop > CardHistory.MaxRecent))
            {
                drop++;
            }

            if (drop == payments.Count)
            {
                state.Slots.Remove(storeId);
            }
            else if (drop > 0)
            {
                payments.RemoveRange(0, drop);
            }
        }
    }

    private static bool SameContent(SlotPayment a, SlotPayment b) =>
        a.EventUnixMs == b.EventUnixMs && a.Amount.Equals(b.Amount) && a.MerchantHash == b.MerchantHash
        && a.Latitude.Equals(b.Latitude) && a.Longitude.Equals(b.Longitude);

    internal static int ByTimeThenId(SlotPayment a, SlotPayment b)
    {
        var c = a.EventUnixMs.CompareTo(b.EventUnixMs);
        return c != 0 ? c : string.CompareOrdinal(a.PaymentId, b.PaymentId);
    }
}
