namespace EdgeAgent.Fleet.Contracts;

/// <summary>
/// What the fleet keeps of one agent metric snapshot: the figures of its interval and the agent's state at its end.
/// </summary>
[GenerateSerializer]
[Alias("EdgeAgent.Fleet.StoreSnapshot")]
public sealed record StoreSnapshot
{
    [Id(0)] public required string StoreId { get; init; }

    /// <summary>The snapshot's number at its agent (increasing within its <see cref="Epoch"/>; a new agent database starts again at 1).</summary>
    [Id(1)] public long Id { get; init; }

    /// <summary>When the agent took it.</summary>
    [Id(2)] public DateTimeOffset At { get; init; }

    /// <summary>When the fleet received it.</summary>
    [Id(3)] public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The interval it covers; the agent's snapshot period.</summary>
    [Id(4)] public double IntervalSeconds { get; init; }

    [Id(5)] public double PaymentsPerSecond { get; init; }

    /// <summary>p99 of the whole path (<c>latencyMs.request.p99</c>); null when nothing was scored in the interval.</summary>
    [Id(6)] public double? P99Ms { get; init; }

    [Id(7)] public long Scored { get; init; }

    /// <summary>Reviewed plus declined in the interval.</summary>
    [Id(8)] public long Flagged { get; init; }

    [Id(9)] public long Rejected { get; init; }

    [Id(10)] public long ModelErrors { get; init; }

    /// <summary>The model card's expected alert-rate band when the snapshot carries it (<c>drift.band</c>).</summary>
    [Id(11)] public double? BandLow { get; init; }

    [Id(12)] public double? BandHigh { get; init; }

    /// <summary>Population stability index of the score when the snapshot carries it (<c>drift.scorePsi</c>).</summary>
    [Id(13)] public double? ScorePsi { get; init; }

    [Id(14)] public string? Model { get; init; }

    [Id(15)] public string? ModelVersion { get; init; }

    [Id(16)] public string? Provider { get; init; }

    [Id(17)] public string? AgentVersion { get; init; }

    /// <summary>Items waiting in the agent's cloud buffer, all streams.</summary>
    [Id(18)] public long BufferUnsent { get; init; }

    /// <summary>Age of the oldest of them; null when nothing waits.</summary>
    [Id(19)] public double? BufferOldestSeconds { get; init; }

    [Id(20)] public bool CloudConnected { get; init; }

    /// <summary>Payments the agent refused in the interval (its rejections, all codes).</summary>
    [Id(21)] public long Refusals { get; init; }

    /// <summary>
    /// The agent database it came from (the message envelope's <c>epoch</c>, drawn when the database is created); null
    /// from an agent that does not send one. <see cref="Id"/> counts within it.
    /// </summary>
    [Id(22)] public string? Epoch { get; init; }
}
