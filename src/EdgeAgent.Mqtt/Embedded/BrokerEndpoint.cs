using System.Net;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>One listener of the embedded broker: an address and port, plaintext or, with <paramref name="Tls"/>, TLS. Port 0 takes a free one.</summary>
public sealed record BrokerEndpoint(IPEndPoint EndPoint, BrokerTls? Tls = null)
{
    public override string ToString() => Tls is null ? EndPoint.ToString() : EndPoint + " (TLS)";
}
