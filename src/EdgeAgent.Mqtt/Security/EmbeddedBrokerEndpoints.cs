using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Server;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The embedded broker's listeners, as <see cref="MqttOptions"/> and the exposure rule allow: plaintext on
/// <see cref="MqttOptions.Port"/> only where <see cref="BrokerExposure.PlaintextListenerAllowed"/>, TLS 1.2+ on
/// <see cref="MqttOptions.TlsPort"/> when a server certificate is set, with client certificates checked against the
/// store CA. Both bind exactly <see cref="MqttOptions.BindAddress"/>: MQTTnet otherwise adds an IPv6 listener on every
/// interface, which would put a "127.0.0.1" broker on the network.
/// </summary>
public static class EmbeddedBrokerEndpoints
{
    /// <summary>
    /// Configures <paramref name="builder"/>'s endpoints. <paramref name="certificates"/> checks client certificates
    /// (from <see cref="MqttOptions.CaPath"/>; null without one). Call it instead of <c>WithDefaultEndpoint…</c>.
    /// </summary>
    public static MqttServerOptionsBuilder Configure(MqttServerOptionsBuilder builder, MqttOptions options, ClientCertificateValidator? certificates)
    {
        var (v4, v6) = BindAddresses(options.BindAddress);
        if (BrokerExposure.PlaintextListenerAllowed(options))
        {
            builder.WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(v4)
                .WithDefaultEndpointBoundIPV6Address(v6)
                .WithDefaultEndpointPort(options.Port);
        }
        else
        {
            builder.WithoutDefaultEndpoint();
        }

        if (!BrokerExposure.HasTls(options))
        {
            return builder.WithoutEncryptedEndpoint();
        }

        builder.WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(v4)
            .WithEncryptedEndpointBoundIPV6Address(v6)
            .WithEncryptedEndpointPort(options.TlsPort)
            .WithEncryptionCertificate(CertificateFiles.LoadWithKey(options.ServerCertificatePath!, options.ServerKeyPath))
            .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13);
        if (certificates is not null)
        {
            // The handshake asks every client for a certificate; without one it passes only when passwords may stand in,
            // and the CONNECT must then carry one (TerminalAccessPolicy).
            builder.WithClientCertificate(certificates.Callback(certificateOptional: !options.RequireClientCertificate));
        }

        return builder;
    }

    /// <summary>
    /// The IPv4 and IPv6 addresses to bind for <paramref name="bindAddress"/>: <c>0.0.0.0</c> also binds <c>::</c>, any
    /// other address only itself (<see cref="IPAddress.None"/> disables a family). <c>127.0.0.1</c> does not add
    /// <c>::1</c>: containers often run without IPv6 on loopback, and clients asking for <c>localhost</c> fall back to IPv4.
    /// </summary>
    public static (IPAddress V4, IPAddress V6) BindAddresses(string bindAddress)
    {
        var address = IPAddress.Parse(bindAddress);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return (IPAddress.None, address);
        }

        if (address.Equals(IPAddress.Any))
        {
            return (IPAddress.Any, IPAddress.IPv6Any);
        }

        return (address, IPAddress.None);
    }
}
