using System.Net.Security;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>
/// How a listener of the embedded broker speaks TLS: the server side of the handshake, and the check of client
/// certificates for mutual TLS. The broker only runs the handshake, with its own timeout; which certificate, which
/// protocols and which clients to trust belong to whoever builds this.
/// </summary>
public sealed class BrokerTls
{
    /// <summary>
    /// The options of each handshake, called per connection so that a renewed certificate applies without a restart.
    /// Leave <see cref="SslServerAuthenticationOptions.RemoteCertificateValidationCallback"/> unset when
    /// <see cref="ValidateClientCertificate"/> is given (the two cannot both be set).
    /// </summary>
    public required Func<SslServerAuthenticationOptions> ServerOptions { get; init; }

    /// <summary>Decides on the client's certificate (mutual TLS); null leaves it to <see cref="ServerOptions"/>.</summary>
    public RemoteCertificateValidationCallback? ValidateClientCertificate { get; init; }
}
