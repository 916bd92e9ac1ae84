namespace EdgeAgent.Fleet.Contracts;

/// <summary>Where a store stands: online or not, and whether what it reported lies within its bands.</summary>
public enum StoreState
{
    /// <summary>No snapshot since the view started, and not yet long enough to call the store offline.</summary>
    Pending,

    Online,

    /// <summary>No snapshot within the offline limit (<c>Fleet:OfflineAfterIntervals</c> of its interval).</summary>
    Offline,
}

/// <summary>One store in the fleet's view, computed at the moment of the read.</summary>
[GenerateSerializer]
[Alias("EdgeAgent.Fleet.StoreView")]
public sealed record StoreView
{
    [Id(0)] public required string StoreId { get; init; }

    [Id(1)] public StoreState State { get; init; }

    /// <summary>When the fleet last received a snapshot of the store; null when none since the view started.</summary>
    [Id(2)] public DateTimeOffset? LastSeen { get; init; }

    [Id(3)] public double? SecondsSinceSeen { get; init; }

    /// <summary>Review and decline share of the last snapshot's scored payments; null when it scored none.</summary>
    [Id(4)] public double? AlertRate { get; init; }

    [Id(5)] public double BandLow { get; init; }

    [Id(6)] public double BandHigh { get; init; }

    /// <summary>True when the band is the model card's, false when it is the fleet's default.</summary>
    [Id(7)] public bool BandFromModelCard { get; init; }

    [Id(8)] public bool AlertRateOutOfBand { get; init; }

    /// <summary>True when the last p99 is above <c>Fleet:P99LimitMs</c>.</summary>
    [Id(9)] public bool LatencyOutOfBand { get; init; }

    /// <summary>The last snapshot; null when none since the view started.</summary>
    [Id(10)] public StoreSnapshot? Last { get; init; }

    /// <summary>The store's last reported properties; null when none since the view started.</summary>
    [Id(11)] public StoreReport? Report { get; init; }

    /// <summary>Something an operator should look at: offline, a band left, or model errors.</summary>
    public bool Wrong => State == StoreState.Offline || AlertRateOutOfBand || LatencyOutOfBand || (Last?.ModelErrors ?? 0) > 0;
}
