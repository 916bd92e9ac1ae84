namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// How many CONNECTs with a password the access policy checks at once (<see cref="BrokerLimits.PasswordChecksAtOnce"/>):
/// a password check can be 10,000 rounds of PBKDF2, so a flood of them would otherwise take every core from the
/// payments. The others wait their turn, a short while, then are told to come back later (CONNACK 0x9F) without a check.
/// </summary>
internal sealed class PasswordCheckGate(BrokerLimits limits) : IDisposable
{
    // Well within the pre-authentication deadline, so a client that waited still has time for its CONNACK.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _slots = new(limits.PasswordChecksAtOnce, limits.PasswordChecksAtOnce);

    /// <summary>Waits for a turn; false when none came in time (the caller refuses the CONNECT). A true must be followed by <see cref="Release"/>.</summary>
    public Task<bool> EnterAsync(CancellationToken cancellationToken) => _slots.WaitAsync(MaxWait, cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
