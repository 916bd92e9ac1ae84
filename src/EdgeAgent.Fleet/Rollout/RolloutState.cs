using EdgeAgent.Fleet.Contracts;

namespace EdgeAgent.Fleet.Rollout;

/// <summary>
/// The rollout grain's persisted state: the moving (or last) rollout, what the fleet last assigned each store, and the
/// audit log. Written before anything is published, so a silo that dies mid-step leaves a state the next activation
/// finishes from (an unconfirmed delivery is published again; a retained document published twice is the same one).
/// </summary>
[GenerateSerializer, Alias("EdgeAgent.Fleet.RolloutState")]
public sealed class RolloutState
{
    [Id(0)]
    public RolloutRun? Current { get; set; }

    /// <summary>The desired document the fleet last published to each store, by store.</summary>
    [Id(1)]
    public Dictionary<string, StoreDesired> Desired { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public List<RolloutAuditEntry> Audit { get; set; } = [];

    [Id(3)]
    public long NextSequence { get; set; } = 1;

    /// <summary>The last <c>$version</c> given to a desired document; each new one is higher.</summary>
    [Id(4)]
    public long LastDesiredVersion { get; set; }
}

/// <summary>One store's desired document: its <c>$version</c> and its model (an assignment object, or a card name).</summary>
[GenerateSerializer, Immutable, Alias("EdgeAgent.Fleet.StoreDesired")]
public sealed record StoreDesired(
    [property: Id(0)] long Version,
    [property: Id(1)] string ModelJson,
    [property: Id(2)] bool Delivered);

/// <summary>One rollout: its model, its rings, how far it came, and each assigned store's model before it.</summary>
[GenerateSerializer, Alias("EdgeAgent.Fleet.RolloutRun")]
public sealed class RolloutRun
{
    [Id(0)]
    public string Id { get; set; } = "";

    [Id(1)]
    public RolloutModel Model { get; set; } = new("", "", "", "");

    [Id(2)]
    public List<List<string>> Rings { get; set; } = [];

    /// <summary>The last ring assigned (0: the canary).</summary>
    [Id(3)]
    public int Ring { get; set; }

    [Id(4)]
    public DateTimeOffset RingAssignedAt { get; set; }

    [Id(5)]
    public RolloutPhase Phase { get; set; }

    /// <summary>
    /// Each assigned store's model before the rollout, as a desired <c>model</c> value (JSON): the fleet's previous
    /// assignment, else the card its last snapshot reported; absent when neither was known.
    /// </summary>
    [Id(6)]
    public Dictionary<string, string> Previous { get; set; } = new(StringComparer.Ordinal);

    [Id(7)]
    public List<RolloutStoreHealth> LastGate { get; set; } = [];

    [Id(8)]
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Each assigned store's payments on the new version, from the snapshots the gate has seen.</summary>
    [Id(9)]
    public Dictionary<string, StoreEvidence> Evidence { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Payments scored on the new version by the assigned stores since the current ring was assigned.</summary>
    [Id(10)]
    public long RingScored { get; set; }

    /// <summary>The stores of every ring assigned so far.</summary>
    public IEnumerable<string> AssignedStores => Rings.Take(Ring + 1).SelectMany(r => r);
}

/// <summary>
/// What a store's snapshots on the new version add up to, each snapshot counted once (by its id and time). The first
/// snapshot that shows the new version is not counted: its interval holds payments of both models.
/// </summary>
[GenerateSerializer, Alias("EdgeAgent.Fleet.StoreEvidence")]
public sealed class StoreEvidence
{
    [Id(0)]
    public long LastId { get; set; } = -1;

    [Id(1)]
    public DateTimeOffset LastAt { get; set; }

    [Id(2)]
    public long Scored { get; set; }

    [Id(3)]
    public long Flagged { get; set; }

    [Id(4)]
    public long ModelErrors { get; set; }

    /// <summary>Whether the store's last snapshot is one of those counted (on the new version, not the first).</summary>
    [Id(5)]
    public bool LastCounted { get; set; }

    /// <summary>Takes <paramref name="last"/> if it is a snapshot on the new version not counted yet; returns its scored payments.</summary>
    public long Take(Contracts.StoreSnapshot last, bool running)
    {
        if (last.Id == LastId && last.At == LastAt)
        {
            return 0;
        }

        var first = LastId < 0;
        LastId = last.Id;
        LastAt = last.At;
        LastCounted = false;
        if (!running)
        {
            // Back on another version (or not switched yet): the next snapshot on the new one is a first again.
            LastId = -1;
            return 0;
        }

        if (first)
        {
            return 0;
        }

        LastCounted = true;

        Scored += last.Scored;
        Flagged += last.Flagged;
        ModelErrors += last.ModelErrors;
        return last.Scored;
    }
}
