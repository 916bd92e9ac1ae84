using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>What a client presents when it connects to the embedded broker, for <see cref="IBrokerAccess.AuthenticateAsync"/>.</summary>
public sealed class BrokerConnectRequest
{
    /// <summary>The client id, after the broker assigned one to a client that sent none (see <see cref="ClientIdAssigned"/>).</summary>
    public required string ClientId { get; init; }

    /// <summary>True when the client sent an empty client id with a clean session and the broker assigned <see cref="ClientId"/>.</summary>
    public bool ClientIdAssigned { get; init; }

    public string? UserName { get; init; }

    /// <summary>The password bytes as sent (MQTT passwords are binary); null when the client sent none.</summary>
    public byte[]? Password { get; init; }

    /// <summary>The certificate the client presented in the TLS handshake, if any (validated by the listener's callback).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>True when the connection came through a TLS listener.</summary>
    public bool IsTls { get; init; }

    /// <summary>MQTT protocol level: 3 (3.1), 4 (3.1.1) or 5.</summary>
    public int ProtocolLevel { get; init; }

    public bool CleanSession { get; init; }
}
