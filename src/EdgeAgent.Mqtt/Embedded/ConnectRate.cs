using System.Net;
using System.Threading.RateLimiting;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// The rate of CONNECTs one remote address (<see cref="AddressGroup"/>) may send: a token bucket per address, idle ones
/// forgotten by the rate limiter itself. It is checked when the CONNECT has been read and before any credential is,
/// so that the client reads why in a CONNACK (0x9F Connection rate exceeded) and backs off, and a flood costs no
/// password check.
/// </summary>
internal sealed class ConnectRate : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;

    public ConnectRate(BrokerLimits limits)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.ConnectionBurstPerAddress,
            TokensPerPeriod = limits.ConnectionsPerSecondPerAddress,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _perAddress = PartitionedRateLimiter.Create<string, string>(group => RateLimitPartition.GetTokenBucketLimiter(group, _ => bucket));
    }

    /// <summary>True when a CONNECT from <paramref name="remote"/> is within its address's rate.</summary>
    public bool TryAcquire(EndPoint? remote)
    {
        using var lease = _perAddress.AttemptAcquire(AddressGroup.Of(remote));
        return lease.IsAcquired;
    }

    public void Dispose() => _perAddress.Dispose();
}
