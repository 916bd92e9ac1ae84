namespace EdgeAgent.Cloud.Sync;

/// <summary>Exponential backoff with jitter (±20 %), from a first to a longest delay.</summary>
public sealed class Backoff(TimeSpan first, TimeSpan longest)
{
    private readonly TimeSpan _first = first;
    private TimeSpan _next = first;

    public TimeSpan Next()
    {
        var current = _next;
        _next = TimeSpan.FromTicks(Math.Min(current.Ticks * 2, longest.Ticks));
#pragma warning disable CA5394 // jitter only spreads retries; it protects nothing
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(current.Ticks * jitter));
    }

    public void Reset() => _next = _first;
}
