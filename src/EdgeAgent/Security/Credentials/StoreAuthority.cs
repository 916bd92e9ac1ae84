using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Security.Credentials;

/// <summary>
/// A store's certificate authority: a self-signed CA (ECDSA P-256) that issues the node's broker certificate and a
/// client certificate per terminal, operator and agent identity. Good for a test or a pilot; a production fleet would
/// issue from its own PKI, and the agent takes any CA's certificates the same way.
/// </summary>
public sealed class StoreAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private static readonly System.Buffers.SearchValues<char> DistinguishedNameSpecials = System.Buffers.SearchValues.Create(",+=\"\\<>;#");

    private readonly X509Certificate2 _certificate;
    private readonly TimeProvider _time;

    private StoreAuthority(X509Certificate2 certificate, TimeProvider time)
    {
        _certificate = certificate;
        _time = time;
    }

    /// <summary>The CA certificate, for trust bundles.</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>A new CA named after the store, valid for <paramref name="validity"/>.</summary>
    public static StoreAuthority Create(string name, TimeSpan validity, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + Escape(name) + ", O=EdgeAgent"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        return new StoreAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now + validity), time);
    }

    /// <summary>Loads a CA written by <c>credentials init</c> (certificate and private key, PEM).</summary>
    public static StoreAuthority Load(string certificatePath, string keyPath, TimeProvider time) =>
        new(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), time);

    /// <summary>The node's broker certificate, for server authentication, naming every host name and address terminals use.</summary>
    public X509Certificate2 IssueServer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan validity)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses.Distinct())
        {
            names.AddIpAddress(address);
        }

        return Issue(commonName, ServerAuthentication, names.Build(), validity);
    }

    /// <summary>A client certificate whose common name is the identity's name (<c>{store}/{terminal}</c> for a terminal).</summary>
    public X509Certificate2 IssueClient(string identityName, TimeSpan validity) => Issue(identityName, ClientAuthentication, null, validity);

    public void Dispose() => _certificate.Dispose();

    private X509Certificate2 Issue(string commonName, Oid usage, X509Extension? alternativeNames, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + Escape(commonName)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        var now = _time.GetUtcNow();
        var notAfter = now + validity;
        if (notAfter > _certificate.NotAfter)
        {
            notAfter = _certificate.NotAfter;
        }

        // A random positive serial (DER integers are signed: the top bit stays clear).
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var issued = request.Create(_certificate, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Quotes a distinguished-name value when it holds a character with a meaning there.</summary>
    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny(DistinguishedNameSpecials) >= 0 ? "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : value;
}
