namespace EdgeAgent.Core.Features;

/// <summary>The persisted form of a <see cref="CardHistory"/>.</summary>
public sealed record CardHistorySnapshot(string CardToken, RecentPayment[] Recent)
{
    /// <summary>Event time of the latest payment, for choosing which cards to load first.</summary>
    public long LastUnixMs => Recent.Length > 0 ? Recent[^1].UnixMs : long.MinValue;
}
