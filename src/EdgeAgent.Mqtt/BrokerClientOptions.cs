using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Mqtt.Security;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.Mqtt;

/// <summary>
/// How the agent connects to an external broker: MQTT 5, a persistent session, bounded in-flight payments; with TLS,
/// the broker's certificate checked against the store CA (<see cref="MqttOptions.CaPath"/>) or the system roots, and
/// the agent's own client certificate when it has one.
/// </summary>
internal static class BrokerClientOptions
{
    public static MqttClientOptions Build(MqttOptions options)
    {
        // The end point must be set before the TCP options: MQTTnet's builder drops it otherwise.
        var builder = new MqttClientOptionsBuilder()
            .WithEndPoint(new System.Net.DnsEndPoint(options.Host!, options.Port))
            .WithTcpServer(tcp =>
            {
                tcp.BufferSize = options.TcpBufferBytes;
                tcp.NoDelay = true;
            })
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.EffectiveClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpirySeconds)
            .WithReceiveMaximum((ushort)options.ReceiveMaximum)
            .WithMaximumPacketSize((uint)options.MaxPacketBytes)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            builder.WithTlsOptions(tls => ConfigureTls(tls, options));
        }

        return builder.Build();
    }

    private static void ConfigureTls(MqttClientTlsOptionsBuilder tls, MqttOptions options)
    {
        tls.UseTls()
            .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithTargetHost(string.IsNullOrWhiteSpace(options.TlsServerName) ? options.Host : options.TlsServerName)
            .WithRevocationMode(X509RevocationMode.NoCheck);
        if (!string.IsNullOrWhiteSpace(options.CaPath))
        {
            // Only the store CA vouches for the store's broker: the system roots would accept any public certificate for the name.
            var roots = CertificateFiles.LoadBundle(options.CaPath);
            tls.WithCertificateValidationHandler(e => ServerCertificateCheck.ChainsTo(e.Certificate, roots, e.SslPolicyErrors));
        }

        if (!string.IsNullOrWhiteSpace(options.ClientCertificatePath))
        {
            tls.WithClientCertificates([CertificateFiles.LoadWithKey(options.ClientCertificatePath, options.ClientKeyPath)]);
        }
    }
}
