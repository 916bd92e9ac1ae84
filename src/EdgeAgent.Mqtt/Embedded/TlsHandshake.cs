using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Mqtt.Embedded;

/// <summary>The server side of a TLS handshake on an accepted connection, bounded in time; a failure is a counted refusal.</summary>
internal sealed class TlsHandshake(BrokerContext context)
{
    /// <summary>The TLS stream and the client's certificate, if it gave one; a null stream when the handshake failed (the connection is closed).</summary>
    public async Task<(Stream? Stream, X509Certificate2? ClientCertificate)> AuthenticateAsync(
        Stream stream, BrokerTls tls, PendingConnection pending, CancellationToken stopping)
    {
        var ssl = tls.ValidateClientCertificate is { } validate
            ? new SslStream(stream, leaveInnerStreamOpen: false, validate)
            : new SslStream(stream, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(context.Limits.TlsHandshakeTimeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            await ssl.AuthenticateAsServerAsync(tls.ServerOptions(), linked.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AuthenticationException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            if (!stopping.IsCancellationRequested && !pending.IsClosedByGate)
            {
                var reason = timeout.IsCancellationRequested ? RefusalReason.TlsHandshakeTimeout : RefusalReason.TlsHandshakeFailed;
                context.Refusals.Report(reason, pending.Remote);
            }

            await ssl.DisposeAsync();
            return (null, null);
        }

        var certificate = ssl.RemoteCertificate switch
        {
            null => null,
            X509Certificate2 full => full,
            var other => X509CertificateLoader.LoadCertificate(other.Export(X509ContentType.Cert)),
        };
        return (ssl, certificate);
    }
}
