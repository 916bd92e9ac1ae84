namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="CardHistory"/>, with the sequence number of the last payment it holds.</summary>
public sealed record CardHistorySnapshot(string CardToken, RecentPayment[] Recent)
{
    /// <summary>Event time of the latest payment, for choosing which cards to load first.</summary>
    public long LastUnixMs => Recent.Length > 0 ? Recent[^1].UnixMs : long.MinValue;

    /// <summary>The last payment (by sequence number) this snapshot holds: a replay at start applies only later ones. 0: unknown.</summary>
    public long Sequence { get; init; }
}
