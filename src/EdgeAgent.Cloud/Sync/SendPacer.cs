namespace EdgeAgent.Cloud.Sync;

/// <summary>
/// Spaces sends so that at most so many messages and bytes go per second: a backlog drains at a steady rate that
/// leaves the node's CPU, disk and uplink to the payments, and stays under the cloud's throttles.
/// </summary>
public sealed class SendPacer(double maxMessagesPerSecond, long maxBytesPerSecond, TimeProvider time)
{
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>How long to wait before sending <paramref name="bytes"/>; books the slot.</summary>
    public TimeSpan Reserve(int bytes)
    {
        var now = time.GetUtcNow();
        var start = _next > now ? _next : now;
        var cost = Math.Max(1.0 / maxMessagesPerSecond, (double)bytes / maxBytesPerSecond);
        _next = start + TimeSpan.FromSeconds(cost);
        return start - now;
    }

    public async Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        var delay = Reserve(bytes);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }
    }
}
