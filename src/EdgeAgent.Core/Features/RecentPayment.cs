namespace EdgeAgent.Core.Features;

/// <summary>One earlier payment of a card, as much of it as the sliding windows need.</summary>
/// <param name="UnixMs">Event time, milliseconds since the Unix epoch.</param>
/// <param name="Amount">Amount in the event's currency.</param>
/// <param name="TerminalHash">Stable hash of store and terminal (distinct-terminal counts).</param>
public readonly record struct RecentPayment(long UnixMs, double Amount, int TerminalHash);
