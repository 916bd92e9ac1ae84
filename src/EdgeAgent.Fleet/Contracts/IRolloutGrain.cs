namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// The fleet's staged model rollout, one activation for the whole cluster (key <see cref="Key"/>), its state and audit
/// log persisted in the silos' grain storage so that a silo's death loses no step. One rollout moves at a time: a
/// model version is assigned to a canary store, then a share of the stores, then all, each ring judged on the fleet
/// view's health after a soak; healthy promotes, unhealthy rolls every store of the rollout back.
/// </summary>
[Alias("EdgeAgent.Fleet.IRolloutGrain")]
public interface IRolloutGrain : IGrainWithStringKey
{
    /// <summary>The one key of the fleet's rollout.</summary>
    public const string Key = "fleet";

    /// <summary>How long a silo holds the deliveries it claimed; its publishing gives up well before (<see cref="DeliveryBudget"/>).</summary>
    public static readonly TimeSpan DeliveryLease = TimeSpan.FromSeconds(30);

    /// <summary>How long a silo spends publishing one claim, connection included.</summary>
    public static readonly TimeSpan DeliveryBudget = TimeSpan.FromSeconds(10);

    /// <summary>Starts a rollout of <paramref name="model"/>; refused while another one moves.</summary>
    [Alias("Start")]
    Task<RolloutAnswer> StartAsync(RolloutModel model, string? canary, string by);

    /// <summary>Assigns the next ring now, without waiting for the soak (the operator's call; the health gate is not asked).</summary>
    [Alias("Promote")]
    Task<RolloutAnswer> PromoteAsync(string by);

    /// <summary>Gives every store of the moving rollout its previous model assignment back and stops the rollout.</summary>
    [Alias("Rollback")]
    Task<RolloutAnswer> RollbackAsync(string reason, string by);

    /// <summary>Moves the rollout on when its time has come: deliveries retried, gate judged, promotion or rollback.</summary>
    [Alias("Tick")]
    Task TickAsync();

    /// <summary>
    /// The desired documents not yet acknowledged by the broker, for <paramref name="silo"/> to publish outside the
    /// grain; empty when none is owed or another silo holds them (for <see cref="DeliveryLease"/> at the most).
    /// </summary>
    [Alias("ClaimDeliveries")]
    Task<IReadOnlyList<DesiredDelivery>> ClaimDeliveriesAsync(string silo);

    /// <summary>Marks what <paramref name="silo"/> published (and the broker acknowledged) delivered, and gives the claim back.</summary>
    [Alias("Delivered")]
    Task DeliveredAsync(string silo, IReadOnlyList<DesiredDelivery> delivered);

    /// <summary>The rollout now and the audit log's last <paramref name="auditEntries"/> entries.</summary>
    [Alias("Status")]
    Task<RolloutStatus> StatusAsync(int auditEntries);
}

/// <summary>A model version as the agents are assigned it (<c>{name, version, sha256, url}</c>, the url its card's).</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RolloutModel")]
public sealed record RolloutModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Sha256,
    [property: Id(3)] string Url)
{
    /// <summary>The card's name in an agent's models folder, as its snapshots report the model.</summary>
    public string CardName => $"{Name}-{Version}";
}

/// <summary>A store's desired document owed: its <c>$version</c> and its <c>model</c> value (JSON).</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.DesiredDelivery")]
public sealed record DesiredDelivery(
    [property: Id(0)] string Store,
    [property: Id(1)] long Version,
    [property: Id(2)] string ModelJson);

/// <summary>Where a rollout stands.</summary>
public enum RolloutPhase
{
    /// <summary>A ring is assigned and soaking; the gate decides what comes next.</summary>
    Soaking,

    /// <summary>Every store runs the new version and the last gate passed.</summary>
    Done,

    /// <summary>Rolled back (by its gate or by hand): every store of it was given its previous assignment.</summary>
    RolledBack,
}

/// <summary>One line of the audit log.</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RolloutAuditEntry")]
public sealed record RolloutAuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string RolloutId,
    [property: Id(3)] string Step,
    [property: Id(4)] int Ring,
    [property: Id(5)] IReadOnlyList<string> Stores,
    [property: Id(6)] string Detail,
    [property: Id(7)] string By);

/// <summary>A store's figures as a gate judged them.</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RolloutStoreHealth")]
public sealed record RolloutStoreHealth(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string Verdict,
    [property: Id(2)] string? Model,
    [property: Id(3)] double? AlertRate,
    [property: Id(4)] double BandLow,
    [property: Id(5)] double BandHigh,
    [property: Id(6)] double? P99Ms,
    [property: Id(7)] long ModelErrors,
    [property: Id(8)] long Scored,
    [property: Id(9)] string Why);

/// <summary>The rollout now: its model, rings, phase, and the audit log's tail.</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RolloutStatus")]
public sealed record RolloutStatus(
    [property: Id(0)] string? RolloutId,
    [property: Id(1)] RolloutModel? Model,
    [property: Id(2)] RolloutPhase? Phase,
    [property: Id(3)] int Ring,
    [property: Id(4)] IReadOnlyList<IReadOnlyList<string>> Rings,
    [property: Id(5)] DateTimeOffset? RingAssignedAt,
    [property: Id(6)] double SoakSeconds,
    [property: Id(7)] IReadOnlyList<RolloutStoreHealth> LastGate,
    [property: Id(8)] IReadOnlyList<RolloutAuditEntry> Audit);

/// <summary>What an operator's command came to: done, or refused with the reason (<see cref="Refusal"/> is a fixed word).</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.RolloutAnswer")]
public sealed record RolloutAnswer(
    [property: Id(0)] bool Done,
    [property: Id(1)] string? Refusal,
    [property: Id(2)] string Detail,
    [property: Id(3)] string? RolloutId);

/// <summary>Why a rollout command was refused; the values of <c>edgeagent_fleet_rollout_refusals_total{reason}</c>.</summary>
public static class RolloutRefusals
{
    /// <summary>A rollout is already moving.</summary>
    public const string Active = "active";

    /// <summary>No rollout is moving (promote, rollback).</summary>
    public const string NoneActive = "none_active";

    /// <summary>The model's name, version, sha256 or url is not an assignment an agent would take.</summary>
    public const string BadModel = "bad_model";

    /// <summary>The canary named is not one of the fleet's stores.</summary>
    public const string UnknownStore = "unknown_store";

    /// <summary>The request body is not a rollout command.</summary>
    public const string Malformed = "malformed";

    /// <summary>The fleet has no uplink or no control keys to deliver a desired document with.</summary>
    public const string NoDelivery = "no_delivery";

    public static readonly string[] All = [Active, NoneActive, BadModel, UnknownStore, Malformed, NoDelivery];
}
