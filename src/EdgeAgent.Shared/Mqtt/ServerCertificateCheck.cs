using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Shared.Mqtt;

/// <summary>Validates a broker's certificate against a private CA only, as the system roots would for a public one.</summary>
public static class ServerCertificateCheck
{
    private static readonly System.Security.Cryptography.Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>
    /// True when <paramref name="certificate"/> chains to <paramref name="roots"/>, allows server authentication and the
    /// handshake found its name right (<paramref name="errors"/> has no name mismatch).
    /// </summary>
    public static bool ChainsTo(X509Certificate? certificate, X509Certificate2Collection roots, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
