using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;

namespace EdgeAgent.Fleet.View;

/// <summary>Where a store stands at a moment, from its last snapshot and the fleet's settings.</summary>
internal static class StoreJudge
{
    public static StoreView Judge(string storeId, StoreSnapshot? last, DateTimeOffset now, DateTimeOffset viewStarted, FleetOptions options)
    {
        if (last is null)
        {
            // Never heard of since the view started: offline only once a store that is up would have spoken.
            var limit = options.SnapshotInterval * options.OfflineAfterIntervals;
            return new StoreView
            {
                StoreId = storeId,
                State = now - viewStarted > limit ? StoreState.Offline : StoreState.Pending,
                BandLow = options.AlertRateBandLow,
                BandHigh = options.AlertRateBandHigh,
            };
        }

        // The store's own period, as it reported it: stores may run different snapshot intervals.
        var interval = last.IntervalSeconds > 0 ? TimeSpan.FromSeconds(last.IntervalSeconds) : options.SnapshotInterval;
        var since = now - last.ReceivedAt;
        var online = since <= interval * options.OfflineAfterIntervals;
        var fromCard = last.BandLow is not null && last.BandHigh is not null;
        var low = fromCard ? last.BandLow!.Value : options.AlertRateBandLow;
        var high = fromCard ? last.BandHigh!.Value : options.AlertRateBandHigh;
        double? rate = last.Scored > 0 ? (double)last.Flagged / last.Scored : null;

        // Too few scored payments in one interval make a share meaningless: shown, not judged.
        var judged = rate is not null && last.Scored >= options.MinScoredForAlertRate;
        return new StoreView
        {
            StoreId = storeId,
            State = online ? StoreState.Online : StoreState.Offline,
            LastSeen = last.ReceivedAt,
            SecondsSinceSeen = Math.Round(Math.Max(0, since.TotalSeconds), 1),
            AlertRate = rate,
            BandLow = low,
            BandHigh = high,
            BandFromModelCard = fromCard,
            AlertRateOutOfBand = judged && (rate < low || rate > high),
            LatencyOutOfBand = last.P99Ms > options.P99LimitMs,
            Last = last,
        };
    }

    /// <summary>
    /// Whether <paramref name="next"/> is newer than <paramref name="previous"/>. Within one agent database (its
    /// <see cref="StoreSnapshot.Epoch"/>) the agent's numbering decides, kept across restarts, so an agent whose clock was
    /// set back still counts and a redelivered or buffered old snapshot does not replace the last. A snapshot of another
    /// database is an agent that started on a new one (its numbering begins again at 1): it replaces the last unless its
    /// database is one the view already saw give way (<paramref name="wasReplaced"/>), whose messages can only be late
    /// copies. Without an epoch on either (an agent of before), later by the clock or by the numbering.
    /// </summary>
    public static bool Replaces(StoreSnapshot previous, StoreSnapshot next, Func<string, bool>? wasReplaced = null)
    {
        if (previous.Epoch is null || next.Epoch is null)
        {
            return next.At >= previous.At || next.Id > previous.Id;
        }

        return string.Equals(previous.Epoch, next.Epoch, StringComparison.Ordinal)
            ? next.Id >= previous.Id
            : wasReplaced?.Invoke(next.Epoch) != true;
    }

    /// <summary>Most wrong first: offline, then out of a band or with model errors, then pending, then the rest; by id within.</summary>
    public static IReadOnlyList<StoreView> WorstFirst(IEnumerable<StoreView> stores) =>
        stores.OrderBy(Rank).ThenBy(s => s.StoreId, StringComparer.Ordinal).ToList();

    private static int Rank(StoreView s) =>
        s.State == StoreState.Offline ? 0 : s.Wrong ? 1 : s.State == StoreState.Pending ? 2 : 3;
}
