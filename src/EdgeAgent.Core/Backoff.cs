namespace EdgeAgent.Core;

/// <summary>
/// Exponential backoff from a first to a longest delay, each delay spread by ±<c>jitter</c> (20 % unless told), so
/// that clients that failed together do not retry together. The one backoff of the product: the cloud's sync and
/// reconnects, the external broker's reconnects, the fleet link's and the fleet's uplink reconnects, and the
/// record's retries (with no jitter: one device, nothing to spread).
/// </summary>
public sealed class Backoff(TimeSpan first, TimeSpan longest, double jitter = 0.2)
{
    private readonly TimeSpan _first = first;
    private TimeSpan _next = first;

    /// <summary>The delay before the next attempt; each call doubles the one after it, up to the longest.</summary>
    public TimeSpan Next()
    {
        var current = _next;
        _next = TimeSpan.FromTicks(Math.Min(current.Ticks * 2, longest.Ticks));
#pragma warning disable CA5394 // jitter only spreads retries; it protects nothing
        return jitter == 0 ? current : TimeSpan.FromTicks((long)(current.Ticks * (1 - jitter + (Random.Shared.NextDouble() * 2 * jitter))));
#pragma warning restore CA5394
    }

    /// <summary>Starts again from the first delay, after a success.</summary>
    public void Reset() => _next = _first;
}
