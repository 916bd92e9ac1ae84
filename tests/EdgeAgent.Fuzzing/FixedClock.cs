namespace EdgeAgent.Fuzzing;

/// <summary>A clock that never moves, so that the same input always meets the same checks.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
