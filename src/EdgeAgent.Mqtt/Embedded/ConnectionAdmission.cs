using System.Net;
using System.Threading.RateLimiting;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// Decides on each accepted socket before anything is read from it: under the limit of open connections, and within
/// the rate of new connections its remote address may open (a token bucket per address, idle ones forgotten by the
/// rate limiter itself). A refused socket is closed at once, the cheapest answer to a flood.
/// </summary>
internal sealed class ConnectionAdmission : IDisposable
{
    private readonly int _maxConnections;
    private readonly PartitionedRateLimiter<IPAddress> _perAddress;
    private int _open;

    public ConnectionAdmission(BrokerLimits limits)
    {
        _maxConnections = limits.MaxConnections;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.ConnectionBurstPerAddress,
            TokensPerPeriod = limits.ConnectionsPerSecondPerAddress,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _perAddress = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => bucket));
    }

    public int Open => Volatile.Read(ref _open);

    /// <summary>Admits a connection from <paramref name="remote"/>, or says why not; an admitted one must be <see cref="Release"/>d.</summary>
    public RefusalReason? TryAdmit(EndPoint? remote)
    {
        if (Interlocked.Increment(ref _open) > _maxConnections)
        {
            Interlocked.Decrement(ref _open);
            return RefusalReason.ConnectionLimit;
        }

        if (remote is IPEndPoint ip)
        {
            var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
            using var lease = _perAddress.AttemptAcquire(address);
            if (!lease.IsAcquired)
            {
                Interlocked.Decrement(ref _open);
                return RefusalReason.ConnectionRate;
            }
        }

        return null;
    }

    public void Release() => Interlocked.Decrement(ref _open);

    public void Dispose() => _perAddress.Dispose();
}
