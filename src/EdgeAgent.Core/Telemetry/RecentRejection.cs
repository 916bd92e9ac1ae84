namespace EdgeAgent.Core.Telemetry;

/// <summary>
/// One rejected payload as the status page shows it: its first reason code, where it came from and when. Nothing
/// of the payload itself: no card data, no amount, no transaction id.
/// </summary>
/// <param name="Code">The first error's code (<see cref="Payments.ValidationCodes"/>).</param>
/// <param name="StoreId">The store of its topic, when the topic parsed.</param>
/// <param name="TerminalId">The terminal of its topic, when the topic parsed.</param>
/// <param name="At">When the agent received it.</param>
public sealed record RecentRejection(string Code, string? StoreId, string? TerminalId, DateTimeOffset At);
