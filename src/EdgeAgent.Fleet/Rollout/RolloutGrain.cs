using System.Globalization;
using System.Text.RegularExpressions;
using EdgeAgent.Fleet.Contracts;
using EdgeAgent.Fleet.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// The fleet's rollout (see <see cref="IRolloutGrain"/>). Every step is written to grain storage before it is acted on,
/// and each silo's <see cref="RolloutTicker"/> calls <see cref="TickAsync"/>, so the rollout moves on from the state
/// storage holds whichever silo dies. A ring is judged on the fleet view's health of every store assigned so far: a
/// store that fails (it reports the assignment refused, or on the new version shows model errors, an alert rate out
/// of its model card's band, a p99 above the limit) rolls the rollout back at once; after the soak, all passing
/// promotes; a store still waiting (offline, or not showing the new version) fails the gate once
/// <c>Fleet:RolloutGateTimeout</c> has passed after the soak. The grain only decides and persists: the desired
/// documents it owes are published by the tickers outside its calls (<see cref="ClaimDeliveriesAsync"/>), so a slow or
/// absent uplink broker never holds a grain call.
/// </summary>
internal sealed partial class RolloutGrain(
    [PersistentState("rollout", FleetStorage.Name)] IPersistentState<RolloutState> state,
    IOptions<FleetOptions> options,
    FleetMetrics metrics,
    RefusalLog refusals,
    TimeProvider time,
    ILogger<RolloutGrain> logger) : Grain, IRolloutGrain
{
    /// <summary>Most audit entries kept; the oldest go first (each is counted as <c>audit_trimmed</c>).</summary>
    public const int MaxAuditEntries = 10_000;

    private readonly FleetOptions _options = options.Value;

    /// <summary>The silo that holds the deliveries now and until when; in memory (a new activation grants afresh).</summary>
    private (string Silo, DateTimeOffset Until)? _claim;

    public async Task<RolloutAnswer> StartAsync(RolloutModel model, string? canary, string by)
    {
        ArgumentNullException.ThrowIfNull(model);
        var s = state.State;
        if (s.Current is { Phase: RolloutPhase.Soaking } moving)
        {
            return Refuse(RolloutRefusals.Active, $"rollout {moving.Id} is moving; promote it or roll it back first", moving.Id);
        }

        if (!DesiredPublisher.IsConfigured(_options))
        {
            return Refuse(RolloutRefusals.NoDelivery, "the fleet has no uplink (Fleet:UplinkHost) or no control keys (Fleet:ControlKeysFolder) to deliver with", null);
        }

        if (ModelProblem(model) is { } problem)
        {
            return Refuse(RolloutRefusals.BadModel, problem, null);
        }

        var stores = _options.KnownStores;
        canary = string.IsNullOrWhiteSpace(canary) ? stores[0] : canary;
        if (!stores.Contains(canary, StringComparer.Ordinal))
        {
            return Refuse(RolloutRefusals.UnknownStore, $"{canary} is not one of the fleet's stores", null);
        }

        var now = time.GetUtcNow();
        var run = new RolloutRun
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"{model.CardName}@{now:yyyyMMdd'T'HHmmss'Z'}"),
            Model = model with { Sha256 = model.Sha256.ToLowerInvariant() },
            Rings = RolloutPlan.Rings(stores, canary, _options.RolloutSharePercent),
            Phase = RolloutPhase.Soaking,
            StartedAt = now,
            Ring = -1,
        };
        s.Current = run;
        Audit(run, "start", -1, [], $"{model.CardName} sha256 {run.Model.Sha256} from {model.Url}; rings "
            + string.Join(" | ", run.Rings.Select(r => string.Join(",", r))) + string.Create(CultureInfo.InvariantCulture, $"; soak {_options.RolloutSoak.TotalSeconds} s"), by);
        await AssignNextRingAsync(run, by);
        return new RolloutAnswer(true, null, $"rollout {run.Id} started; ring 0 ({run.Rings[0][0]}) assigned", run.Id);
    }

    public async Task<RolloutAnswer> PromoteAsync(string by)
    {
        if (state.State.Current is not { Phase: RolloutPhase.Soaking } run)
        {
            return Refuse(RolloutRefusals.NoneActive, "no rollout is moving", state.State.Current?.Id);
        }

        Audit(run, "promote", run.Ring, run.Rings[run.Ring], "promoted by hand before the gate", by);
        await AssignNextRingAsync(run, by);
        return new RolloutAnswer(true, null, run.Phase == RolloutPhase.Done ? $"rollout {run.Id} done" : $"ring {run.Ring} assigned", run.Id);
    }

    public async Task<RolloutAnswer> RollbackAsync(string reason, string by)
    {
        if (state.State.Current is not { Phase: RolloutPhase.Soaking } run)
        {
            return Refuse(RolloutRefusals.NoneActive, "no rollout is moving", state.State.Current?.Id);
        }

        await RollBackAsync(run, string.IsNullOrWhiteSpace(reason) ? "rolled back by hand" : Bounded(reason), by);
        return new RolloutAnswer(true, null, $"rollout {run.Id} rolled back", run.Id);
    }

    public async Task TickAsync()
    {
        if (state.State.Current is not { Phase: RolloutPhase.Soaking } run)
        {
            return;
        }

        var view = GrainFactory.GetGrain<IFleetViewGrain>(IFleetViewGrain.Key);
        var now = time.GetUtcNow();
        var judged = new List<RolloutStoreHealth>();
        foreach (var store in run.AssignedStores)
        {
            var seen = await view.StoreAsync(store);
            if (!run.Evidence.TryGetValue(store, out var evidence))
            {
                evidence = run.Evidence[store] = new StoreEvidence();
            }

            if (seen?.Last is { } last)
            {
                run.RingScored += evidence.Take(last, last.Model == run.Model.Name && last.ModelVersion == run.Model.Version);
            }

            var assigned = state.State.Desired.TryGetValue(store, out var desired) ? desired.Version : long.MaxValue;
            judged.Add(RolloutPlan.Judge(seen, run.Model, run.RingAssignedAt, store, evidence, _options.MinScoredForAlertRate, assigned));
        }

        var soaked = now - run.RingAssignedAt >= _options.RolloutSoak;
        var failed = judged.Where(j => j.Verdict == RolloutPlan.Fail).ToList();
        var waiting = judged.Where(j => j.Verdict == RolloutPlan.Wait).ToList();
        if (run.RingScored < _options.RolloutMinScored)
        {
            // Not enough payments on the new version to have shown anything: a quiet ring proves nothing.
            waiting.Add(new RolloutStoreHealth("(ring)", RolloutPlan.Wait, run.Model.CardName, null, 0, 0, null, 0, run.RingScored,
                string.Create(CultureInfo.InvariantCulture, $"{run.RingScored} of the {_options.RolloutMinScored} payments (Fleet:RolloutMinScored) scored on {run.Model.CardName} since the ring was assigned")));
        }
        var timedOut = now - run.RingAssignedAt >= _options.RolloutSoak + _options.RolloutGateTimeout;
        if (failed.Count > 0 || (waiting.Count > 0 && timedOut))
        {
            run.LastGate = judged;
            var why = failed.Count > 0
                ? string.Join("; ", failed.Select(f => $"{f.StoreId}: {f.Why}"))
                : string.Create(CultureInfo.InvariantCulture, $"after the soak and {_options.RolloutGateTimeout.TotalSeconds} s more: ")
                    + string.Join("; ", waiting.Select(w => $"{w.StoreId}: {w.Why}"));
            Audit(run, "gate_failed", run.Ring, run.Rings[run.Ring], why + " | " + Figures(judged), "gate");
            await RollBackAsync(run, "gate failed: " + why, "gate");
            return;
        }

        if (soaked && waiting.Count == 0)
        {
            run.LastGate = judged;
            Audit(run, "gate_passed", run.Ring, run.Rings[run.Ring],
                string.Create(CultureInfo.InvariantCulture, $"{run.RingScored} payments scored on the new version since the ring was assigned | ") + Figures(judged), "gate");
            await AssignNextRingAsync(run, "gate");
        }
    }

    public Task<RolloutStatus> StatusAsync(int auditEntries)
    {
        var s = state.State;
        var run = s.Current;
        var audit = s.Audit.Skip(Math.Max(0, s.Audit.Count - Math.Clamp(auditEntries, 0, MaxAuditEntries))).ToList();
        return Task.FromResult(new RolloutStatus(
            run?.Id,
            run?.Model,
            run?.Phase,
            run?.Ring ?? -1,
            run?.Rings.Select(r => (IReadOnlyList<string>)r.ToList()).ToList() ?? [],
            run?.Ring >= 0 ? run.RingAssignedAt : null,
            _options.RolloutSoak.TotalSeconds,
            run?.LastGate.ToList() ?? [],
            audit));
    }

    public Task<IReadOnlyList<DesiredDelivery>> ClaimDeliveriesAsync(string silo)
    {
        var now = time.GetUtcNow();
        var pending = state.State.Desired.Where(d => !d.Value.Delivered).ToList();
        if (pending.Count == 0 || (_claim is { } held && held.Silo != silo && held.Until > now))
        {
            return Task.FromResult<IReadOnlyList<DesiredDelivery>>([]);
        }

        // One silo at a time: two publishing at once could leave an older document retained after a newer one.
        _claim = (silo, now + IRolloutGrain.DeliveryLease);
        return Task.FromResult<IReadOnlyList<DesiredDelivery>>(
            pending.Select(d => new DesiredDelivery(d.Key, d.Value.Version, d.Value.ModelJson)).ToList());
    }

    public async Task DeliveredAsync(string silo, IReadOnlyList<DesiredDelivery> delivered)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        if (_claim is { } held && held.Silo == silo)
        {
            _claim = null;
        }

        var changed = false;
        foreach (var d in delivered)
        {
            // A document replaced while it was on its way stays pending: the newer one is still owed.
            if (state.State.Desired.TryGetValue(d.Store, out var current) && current.Version == d.Version && !current.Delivered)
            {
                state.State.Desired[d.Store] = current with { Delivered = true };
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Assigns the next ring (or finishes when none is left): state written; the tickers publish the documents.</summary>
    private async Task AssignNextRingAsync(RolloutRun run, string by)
    {
        if (run.Ring + 1 >= run.Rings.Count)
        {
            run.Phase = RolloutPhase.Done;
            Audit(run, "done", run.Ring, run.AssignedStores.ToList(), $"every store is assigned {run.Model.CardName}", by);
            await state.WriteStateAsync();
            return;
        }

        run.Ring++;
        run.RingAssignedAt = time.GetUtcNow();
        run.RingScored = 0;
        var ring = run.Rings[run.Ring];
        var views = await GrainFactory.GetGrain<IFleetViewGrain>(IFleetViewGrain.Key).StoresAsync();
        var assignment = DesiredDocument.Assignment(run.Model);
        var unknown = new List<string>();
        foreach (var store in ring)
        {
            if (state.State.Desired.TryGetValue(store, out var before))
            {
                run.Previous[store] = before.ModelJson;
            }
            else if (views.FirstOrDefault(v => v.StoreId == store)?.Last is { Model: { } model, ModelVersion: { } version })
            {
                run.Previous[store] = DesiredDocument.CardName($"{model}-{version}");
            }
            else
            {
                unknown.Add(store);
            }

            Desire(store, assignment);
        }

        var detail = $"{run.Model.CardName} to {string.Join(",", ring)}";
        if (unknown.Count > 0)
        {
            detail += "; previous model unknown (never heard from) for " + string.Join(",", unknown);
        }

        Audit(run, "ring_assigned", run.Ring, ring, detail, by);
        await state.WriteStateAsync();
    }

    private async Task RollBackAsync(RolloutRun run, string why, string by)
    {
        run.Phase = RolloutPhase.RolledBack;
        var restored = new List<string>();
        foreach (var store in run.AssignedStores)
        {
            if (run.Previous.TryGetValue(store, out var previous))
            {
                Desire(store, previous);
                restored.Add(store);
            }
        }

        var kept = run.AssignedStores.Except(restored).ToList();
        Audit(run, "rollback", run.Ring, restored, why + (kept.Count > 0 ? "; no previous model known for " + string.Join(",", kept) : ""), by);
        await state.WriteStateAsync();
    }

    /// <summary>Owes <paramref name="store"/> a desired document with <paramref name="modelJson"/>, under a new version.</summary>
    private void Desire(string store, string modelJson) =>
        state.State.Desired[store] = new StoreDesired(NextDesiredVersion(), modelJson, Delivered: false);

    private long NextDesiredVersion()
    {
        // Above every version given before and at least the clock's milliseconds: a fleet whose storage was wiped still
        // gives versions above those its agents last applied.
        state.State.LastDesiredVersion = Math.Max(state.State.LastDesiredVersion + 1, time.GetUtcNow().ToUnixTimeMilliseconds());
        return state.State.LastDesiredVersion;
    }

    private void Audit(RolloutRun run, string step, int ring, IReadOnlyList<string> stores, string detail, string by)
    {
        var s = state.State;
        s.Audit.Add(new RolloutAuditEntry(s.NextSequence++, time.GetUtcNow(), run.Id, step, ring, stores.ToList(), detail, Bounded(by)));
        if (s.Audit.Count > MaxAuditEntries)
        {
            var trimmed = s.Audit.Count - MaxAuditEntries;
            s.Audit.RemoveRange(0, trimmed);
            for (var i = 0; i < trimmed; i++)
            {
                metrics.RolloutStep("audit_trimmed");
            }
        }

        metrics.RolloutStep(step);
        LogStep(run.Id, step, ring, string.Join(",", stores), detail);
    }

    private RolloutAnswer Refuse(string reason, string detail, string? id)
    {
        metrics.RolloutRefused(reason);
        refusals.RolloutRefused(reason, detail);
        return new RolloutAnswer(false, reason, detail, id);
    }

    private static string Figures(IEnumerable<RolloutStoreHealth> judged) => string.Join("; ", judged.Select(j => string.Create(CultureInfo.InvariantCulture,
        $"{j.StoreId} {j.Verdict} model={j.Model ?? "-"} alert={(j.AlertRate is { } r ? r.ToString("0.####", CultureInfo.InvariantCulture) : "-")} band={j.BandLow:0.####}-{j.BandHigh:0.####} p99={(j.P99Ms is { } p ? p.ToString("0.#", CultureInfo.InvariantCulture) : "-")}ms errors={j.ModelErrors} scored={j.Scored}")));

    private static string? ModelProblem(RolloutModel model) =>
        !SafeName().IsMatch(model.Name) || !SafeName().IsMatch(model.Version) ? "name and version are 1-64 of [A-Za-z0-9._-], not starting with a dot"
        : !Sha256Hex().IsMatch(model.Sha256) ? "sha256 is the model file's SHA-256 in 64 hex digits"
        : !Uri.TryCreate(model.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) ? "url is the card's absolute http(s) URL"
        : null;

    private static string Bounded(string text) => text.Length <= 200 ? text : text[..200];

    // The agent's own rule for an assignment (ModelAssignment): a rollout the agents would refuse is refused at start.
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: {Step} ring {Ring} [{Stores}] {Detail}")]
    private partial void LogStep(string rolloutId, string step, int ring, string stores, string detail);
}
