using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>The rings of a rollout and the health gate that judges them, without I/O.</summary>
internal static class RolloutPlan
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Wait = "wait";

    /// <summary>
    /// One canary store, then the stores that make up <paramref name="sharePercent"/> of the fleet (the canary
    /// counted, at least one more), then the rest; empty rings are dropped. The canary is the one named, else the
    /// first known store; the others follow the fleet's order of stores.
    /// </summary>
    public static List<List<string>> Rings(IReadOnlyList<string> stores, string canary, int sharePercent)
    {
        var order = stores.Where(s => s != canary).Prepend(canary).ToList();
        var share = Math.Min(Math.Max((int)Math.Ceiling(order.Count * sharePercent / 100.0), 2), order.Count);
        var rings = new List<List<string>> { order.Take(1).ToList(), order.Skip(1).Take(share - 1).ToList(), order.Skip(share).ToList() };
        return rings.Where(r => r.Count > 0).ToList();
    }

    /// <summary>
    /// One store's health for the gate. Fail: its reported properties say it refused the assignment sent to it as
    /// <paramref name="desiredVersion"/> (or a later one); or it runs the new version and shows model errors, an alert
    /// rate out of its band, the band of the model card it runs as its snapshots carry it (over every payment it scored on the new version once they are <paramref name="minScored"/> or more, or
    /// over its last interval as the view judges it), or a p99 above the limit. The last interval's figures count only
    /// when <paramref name="evidence"/> counted that snapshot: the interval the store switched in holds the switch
    /// itself (a model loaded while payments wait) and payments of the old model. Wait: it is not online, or its
    /// snapshots do not show the new version yet. Pass: online on the new version, within
    /// every band.
    /// </summary>
    public static RolloutStoreHealth Judge(
        StoreView? view, RolloutModel model, DateTimeOffset assignedAt, string storeId, StoreEvidence? evidence = null, int minScored = int.MaxValue,
        long desiredVersion = long.MaxValue)
    {
        if (view is null)
        {
            return new RolloutStoreHealth(storeId, Wait, null, null, 0, 0, null, 0, 0, "not in the fleet's view");
        }

        var last = view.Last;
        var running = last is not null && last.Model == model.Name && last.ModelVersion == model.Version;
        var shown = last is null ? null : $"{last.Model}-{last.ModelVersion}";
        var scored = evidence?.Scored ?? 0;
        double? rate = scored > 0 ? (double)evidence!.Flagged / scored : view.AlertRate;
        var lastCounts = evidence is null || evidence.LastCounted;
        var errors = Math.Max(evidence?.ModelErrors ?? 0, lastCounts ? last?.ModelErrors ?? 0 : 0);
        RolloutStoreHealth Health(string verdict, string why) =>
            new(storeId, verdict, shown, rate, view.BandLow, view.BandHigh, last?.P99Ms, errors, scored, why);

        if (view.Report is { } report && report.Refused(model, desiredVersion))
        {
            return Health(Fail, $"refused ({report.RefusalReason ?? "no reason"}): {report.RefusalDetail}");
        }

        if (running && errors > 0)
        {
            return Health(Fail, $"{errors} model error(s)");
        }

        if (running && ((lastCounts && view.AlertRateOutOfBand) || (scored >= minScored && (rate < view.BandLow || rate > view.BandHigh))))
        {
            return Health(Fail, "alert rate out of its band");
        }

        if (running && lastCounts && view.LatencyOutOfBand)
        {
            return Health(Fail, "p99 above the limit");
        }

        if (view.State != StoreState.Online)
        {
            return Health(Wait, view.State == StoreState.Offline ? "offline" : "not heard from yet");
        }

        if (!running || last!.ReceivedAt < assignedAt || !lastCounts)
        {
            return Health(Wait, "not running " + model.CardName + " yet");
        }

        return Health(Pass, "running " + model.CardName + " within its bands");
    }
}

/// <summary>The steps of a rollout as the audit log and <c>edgeagent_fleet_rollout_steps_total{step}</c> name them.</summary>
internal static class RolloutSteps
{
    public static readonly string[] All =
        ["start", "ring_assigned", "gate_passed", "gate_failed", "promote", "rollback", "done", "delivery_failed", "audit_trimmed"];
}
