using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>
/// The fleet's counters, on meter "EdgeAgent.Fleet", and their running totals for this silo's <c>/metrics</c>.
/// Every label value comes from a fixed set (refusal reasons, outcomes), so the series stay bounded.
/// </summary>
public sealed class FleetMetrics
{
    public const string MeterName = "EdgeAgent.Fleet";

    public const string Refusals = "edgeagent_fleet_refusals_total";
    public const string Deltas = "edgeagent_fleet_deltas_total";
    public const string Reads = "edgeagent_fleet_profile_reads_total";
    public const string Snapshots = "edgeagent_fleet_snapshots_total";
    public const string SnapshotRefusals = "edgeagent_fleet_snapshot_refusals_total";
    public const string Reports = "edgeagent_fleet_reports_total";
    public const string ApiRefusals = "edgeagent_fleet_api_refusals_total";
    public const string RolloutSteps = "edgeagent_fleet_rollout_steps_total";
    public const string RolloutRefusals = "edgeagent_fleet_rollout_refusals_total";
    public const string CardLinks = "edgeagent_fleet_card_links_total";
    public const string FetchWaits = "edgeagent_fleet_fetch_waits_total";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _deltas;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _snapshots;
    private readonly Counter<long> _snapshotRefusals;
    private readonly Counter<long> _reports;
    private readonly Counter<long> _apiRefusals;
    private readonly Counter<long> _rolloutSteps;
    private readonly Counter<long> _rolloutRefusals;
    private readonly Counter<long> _cardLinks;
    private readonly Counter<long> _fetchWaits;
    private readonly ConcurrentDictionary<(string Name, string Label), long> _totals = new();

    public FleetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _refusals = meter.CreateCounter<long>(Refusals, description: "Deltas or batches refused at the grain boundary, by reason.");
        _deltas = meter.CreateCounter<long>(Deltas, description: "Deltas recorded, by outcome (accepted, duplicate, stale).");
        _reads = meter.CreateCounter<long>(Reads, description: "Card profiles read.");
        _snapshots = meter.CreateCounter<long>(Snapshots, description: "Agent metric snapshots taken into the fleet's view.");
        _snapshotRefusals = meter.CreateCounter<long>(SnapshotRefusals, description: "Agent metric and reported-properties messages refused, by reason.");
        _reports = meter.CreateCounter<long>(Reports, description: "Agent reported properties taken into the fleet's view.");
        _apiRefusals = meter.CreateCounter<long>(ApiRefusals, description: "Fleet API requests refused, by reason (token, cross_site).");
        _rolloutSteps = meter.CreateCounter<long>(RolloutSteps, description: "Rollout steps taken, by step.");
        _rolloutRefusals = meter.CreateCounter<long>(RolloutRefusals, description: "Rollout commands refused, by reason.");
        _cardLinks = meter.CreateCounter<long>(CardLinks, description: "Key rotation: previous-key card histories folded into current-key cards, by outcome.");
        _fetchWaits = meter.CreateCounter<long>(FetchWaits, description: "First-sight fetches that waited for a slot, Fleet:MaxFetchesInFlight being answered already.");
    }

    /// <summary>
    /// The counters for the exposition: label name, HELP text, and the label values written even at zero (a rate
    /// over a series that does not exist yet is no data, not 0). The sets are fixed, so the series are bounded.
    /// </summary>
    public static IReadOnlyDictionary<string, (string Label, string Help, string[] Known)> Described { get; } =
        new Dictionary<string, (string, string, string[])>(StringComparer.Ordinal)
        {
            [Refusals] = ("reason", "Deltas or batches refused by this silo, by reason.",
            [
                Contracts.RefusalReasons.BatchTooLarge, Contracts.RefusalReasons.BadStore, Contracts.RefusalReasons.UnknownSchema,
                Contracts.RefusalReasons.WrongCard, Contracts.RefusalReasons.BadPaymentId, Contracts.RefusalReasons.CardNumber,
                Contracts.RefusalReasons.Future, Contracts.RefusalReasons.Expired, Contracts.RefusalReasons.BadAmount,
                Contracts.RefusalReasons.BadPlace, Contracts.RefusalReasons.Conflict, Contracts.RefusalReasons.TooManyStores,
                Contracts.RefusalReasons.UnknownStore, Contracts.RefusalReasons.ForgedStore, Contracts.RefusalReasons.Oversized,
                Contracts.RefusalReasons.Malformed, Contracts.RefusalReasons.ForeignKey, Contracts.RefusalReasons.LinkForeignKey,
                Contracts.RefusalReasons.BadLink, Contracts.RefusalReasons.LinkConflict,
            ]),
            [Deltas] = ("outcome", "Deltas recorded through this silo, by outcome (accepted, duplicate, stale).", ["accepted", "duplicate", "stale"]),
            [Reads] = ("", "Card profiles read on this silo.", []),
            [Snapshots] = ("", "Agent metric snapshots this silo took into the fleet's view.", []),
            [SnapshotRefusals] = ("reason", "Agent metric and reported-properties messages this silo refused, by reason.",
            [
                Contracts.RefusalReasons.UnknownStore, Contracts.RefusalReasons.ForgedStore, Contracts.RefusalReasons.Oversized,
                Contracts.RefusalReasons.InflatedOversized, Contracts.RefusalReasons.Malformed,
            ]),
            [Reports] = ("", "Agent reported properties this silo took into the fleet's view (every silo reads every report).", []),
            [ApiRefusals] = ("reason", "Fleet API requests this silo refused, by reason (token, cross_site).", ["token", "cross_site"]),
            [RolloutSteps] = ("step", "Rollout steps taken on this silo, by step (delivery_failed: a desired document the broker did not take, retried).", Rollout.RolloutSteps.All),
            [RolloutRefusals] = ("reason", "Rollout commands this silo refused, by reason.", Contracts.RolloutRefusals.All),
            [CardLinks] = ("outcome", "Key rotation: folds of a previous-key card's history into its current-key card on this silo, by outcome (folded, already, empty, conflict).",
                Contracts.FoldOutcomes.All),
            [FetchWaits] = ("", "First-sight fetches this silo took only once a slot was free, Fleet:MaxFetchesInFlight fetches being answered already.", []),
        };

    public void Refused(string reason, int count)
    {
        _refusals.Add(count, new KeyValuePair<string, object?>("reason", reason));
        Tally(Refusals, reason, count);
    }

    public void Recorded(string outcome, int count)
    {
        if (count > 0)
        {
            _deltas.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
            Tally(Deltas, outcome, count);
        }
    }

    public void Linked(string outcome)
    {
        _cardLinks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        Tally(CardLinks, outcome, 1);
    }

    public void Read()
    {
        _reads.Add(1);
        Tally(Reads, "", 1);
    }

    public void FetchWaited()
    {
        _fetchWaits.Add(1);
        Tally(FetchWaits, "", 1);
    }

    public void SnapshotTaken()
    {
        _snapshots.Add(1);
        Tally(Snapshots, "", 1);
    }

    public void SnapshotRefused(string reason)
    {
        _snapshotRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Tally(SnapshotRefusals, reason, 1);
    }

    public void ReportTaken()
    {
        _reports.Add(1);
        Tally(Reports, "", 1);
    }

    public void ApiRefused(string reason)
    {
        _apiRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Tally(ApiRefusals, reason, 1);
    }

    public void RolloutStep(string step)
    {
        _rolloutSteps.Add(1, new KeyValuePair<string, object?>("step", step));
        Tally(RolloutSteps, step, 1);
    }

    public void RolloutRefused(string reason)
    {
        _rolloutRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Tally(RolloutRefusals, reason, 1);
    }

    /// <summary>The running totals, by counter and label value ("" for a counter without a label).</summary>
    public IReadOnlyList<(string Name, string Label, long Value)> Totals() =>
        _totals.Select(t => (t.Key.Name, t.Key.Label, t.Value)).OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Label, StringComparer.Ordinal).ToList();

    private void Tally(string name, string label, long count) =>
        _totals.AddOrUpdate((name, label), count, (_, total) => total + count);
}
