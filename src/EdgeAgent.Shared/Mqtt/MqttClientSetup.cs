using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.Shared.Mqtt;

/// <summary>
/// How every MQTT client of the agent and of the fleet service connects, one helper per concern: the server, the
/// protocol with its client id, the keep-alive, the credentials and TLS. Each link states only what is its own
/// (a persistent session, a receive maximum, its certificates).
/// </summary>
public static class MqttClientSetup
{
    /// <summary>Keep-alive of the links that have no setting for it (the fleet link and the fleet's uplink).</summary>
    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How long a connect may take before it counts as failed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A builder for <paramref name="host"/>:<paramref name="port"/> with Nagle off (a payment or an answer is one
    /// small packet that should leave at once) and <see cref="DefaultTimeout"/>; <paramref name="tcpBufferBytes"/>
    /// sizes the socket buffers where a link has a setting for it.
    /// </summary>
    public static MqttClientOptionsBuilder Server(string host, int port, int? tcpBufferBytes = null) =>
        // The end point must be set before the TCP options: MQTTnet's builder drops it otherwise.
        new MqttClientOptionsBuilder()
            .WithEndPoint(new DnsEndPoint(host, port))
            .WithTcpServer(tcp =>
            {
                if (tcpBufferBytes is { } bytes)
                {
                    tcp.BufferSize = bytes;
                }

                tcp.NoDelay = true;
            })
            .WithTimeout(DefaultTimeout);

    /// <summary>MQTT 5 as <paramref name="clientId"/>; <paramref name="cleanStart"/> false keeps the broker's session across reconnects.</summary>
    public static MqttClientOptionsBuilder WithMqtt5(this MqttClientOptionsBuilder builder, string clientId, bool cleanStart = true) =>
        builder.WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithCleanStart(cleanStart);

    /// <summary>The keep-alive in whole seconds, as the settings give it.</summary>
    public static MqttClientOptionsBuilder WithKeepAliveSeconds(this MqttClientOptionsBuilder builder, int seconds) =>
        builder.WithKeepAlivePeriod(TimeSpan.FromSeconds(seconds));

    /// <summary>User name and password when a user name is set; none otherwise (an anonymous or certificate-only link).</summary>
    public static MqttClientOptionsBuilder WithOptionalCredentials(this MqttClientOptionsBuilder builder, string? username, string? password) =>
        string.IsNullOrEmpty(username) ? builder : builder.WithCredentials(username, password);

    /// <summary>
    /// TLS 1.2 or 1.3 to <paramref name="targetHost"/>. With <paramref name="roots"/>, the server's chain must end at
    /// one of them (a private CA: the system roots would accept any public certificate for the name); without, the
    /// system roots decide. <paramref name="clientCertificate"/> is sent when the server asks for one.
    /// <paramref name="revocation"/>: a store's private CA publishes no revocation list, so only a link to a public
    /// service (the cloud, reached over the internet anyway) asks for one.
    /// </summary>
    public static MqttClientOptionsBuilder WithServerTls(
        this MqttClientOptionsBuilder builder,
        string targetHost,
        X509Certificate2Collection? roots,
        X509Certificate2? clientCertificate,
        X509RevocationMode revocation = X509RevocationMode.NoCheck) =>
        builder.WithTlsOptions(tls =>
        {
            tls.UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithTargetHost(targetHost)
                .WithRevocationMode(revocation);
            if (roots is not null)
            {
                tls.WithCertificateValidationHandler(e => ServerCertificateCheck.ChainsTo(e.Certificate, roots, e.SslPolicyErrors));
            }

            if (clientCertificate is not null)
            {
                tls.WithClientCertificates([clientCertificate]);
            }
        });

    /// <summary>
    /// <see cref="WithServerTls"/> from files: <paramref name="trustedCertificatesPath"/> a PEM bundle of the roots the
    /// server's chain must end in (unset: the system roots, with an online revocation check, as for a public service);
    /// <paramref name="certificatePath"/> a client certificate (PEM with <paramref name="certificateKeyPath"/>, or
    /// PKCS#12) for a broker that takes the client's certificate as its identity. Read at each connect, so renewed files
    /// are picked up by the next one.
    /// </summary>
    public static MqttClientOptionsBuilder WithServerTlsFiles(
        this MqttClientOptionsBuilder builder,
        string targetHost,
        string? trustedCertificatesPath,
        string? certificatePath,
        string? certificateKeyPath)
    {
        var roots = string.IsNullOrWhiteSpace(trustedCertificatesPath) ? null : CloudCertificates.LoadBundle(File.ReadAllText(trustedCertificatesPath));
        var certificate = string.IsNullOrWhiteSpace(certificatePath) ? null : CloudCertificates.LoadClientCertificate(certificatePath, certificateKeyPath);
        return builder.WithServerTls(targetHost, roots, certificate, roots is null ? X509RevocationMode.Online : X509RevocationMode.NoCheck);
    }

    /// <summary>True for <c>localhost</c> and loopback addresses: a link that never leaves the machine, which may go without TLS.</summary>
    public static bool IsLoopbackHost(string? host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// The configured client id, else <c>edgeagent-</c> and the machine's name, then <paramref name="suffix"/>: one
    /// host's links never take over each other's broker session, and two hosts' never share one.
    /// </summary>
    public static string ClientId(string? configured, string suffix = "") =>
        string.IsNullOrWhiteSpace(configured) ? "edgeagent-" + Environment.MachineName + suffix : configured;
}
