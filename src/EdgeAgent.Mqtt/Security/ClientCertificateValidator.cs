using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Checks a client certificate against the store CA only (never the system roots): it must chain to the CA, be
/// within its validity at the injected clock's time, and allow client authentication. Revocation is not checked: a
/// store has no reachable CRL; a lost terminal is cut off by removing its line from the identities file.
/// </summary>
public sealed class ClientCertificateValidator
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _time;

    public ClientCertificateValidator(X509Certificate2Collection roots, TimeProvider time)
    {
        _roots = roots;
        _time = time;
    }

    /// <summary>True when <paramref name="certificate"/> is a client certificate issued under the store CA and valid now.</summary>
    public bool IsValid(X509Certificate2 certificate, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate))
        {
            problem = "";
            return true;
        }

        problem = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("not issued by the store CA"));
        return false;
    }

    /// <summary>
    /// The TLS handshake's check: a certificate must be valid; no certificate passes only when
    /// <paramref name="certificateOptional"/> (password clients over TLS), and the CONNECT then needs a password.
    /// </summary>
    public RemoteCertificateValidationCallback Callback(bool certificateOptional) => (_, certificate, _, _) =>
    {
        if (certificate is null)
        {
            return certificateOptional;
        }

        if (certificate is X509Certificate2 full)
        {
            return IsValid(full, out _);
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return IsValid(leaf, out _);
    };
}
