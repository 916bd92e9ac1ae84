using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Where the embedded broker listens, by the exposure rule (<see cref="BrokerExposure"/>): plaintext on
/// <see cref="MqttOptions.Port"/> only where it is allowed (loopback, or an explicit <see cref="MqttOptions.AllowInsecure"/>),
/// TLS 1.2+ on <see cref="MqttOptions.TlsPort"/> with the node's certificate and, when a store CA is configured, client
/// certificates checked against it. Each binds exactly <see cref="MqttOptions.BindAddress"/>.
/// </summary>
public static class EmbeddedBrokerListeners
{
    public static IReadOnlyList<BrokerEndpoint> From(MqttOptions options, ClientCertificateValidator? certificates)
    {
        var address = IPAddress.Parse(options.BindAddress);
        var endpoints = new List<BrokerEndpoint>(2);
        if (BrokerExposure.PlaintextListenerAllowed(options))
        {
            endpoints.Add(new BrokerEndpoint(new IPEndPoint(address, options.Port)));
        }

        if (BrokerExposure.HasTls(options))
        {
            var certificate = CertificateFiles.LoadWithKey(options.ServerCertificatePath!, options.ServerKeyPath);
            endpoints.Add(new BrokerEndpoint(new IPEndPoint(address, options.TlsPort), new BrokerTls
            {
                ServerOptions = () => new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = certificates is not null,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                },

                // Without a certificate the handshake passes only where passwords may stand in; the CONNECT then needs one.
                ValidateClientCertificate = certificates?.Callback(certificateOptional: !options.RequireClientCertificate),
            }));
        }

        return endpoints;
    }
}
