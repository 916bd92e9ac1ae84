using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Fleet.Tests.Infrastructure;

/// <summary>
/// A certificate authority made for one test run and the PEM files a silo is started with: a certificate it signed
/// (usable as server and client, since a silo is both), its key, and the authority's certificate. The uplink broker's
/// TLS listener and the stores' and silos' certificates there come from one too.
/// </summary>
internal sealed class SiloCertificates
{
    private readonly X509Certificate2 _authority;

    private SiloCertificates(string folder, X509Certificate2 authority)
    {
        Folder = folder;
        _authority = authority;
        AuthorityFile = Path.Combine(folder, "authority.crt");
        File.WriteAllText(AuthorityFile, authority.ExportCertificatePem());
    }

    public string Folder { get; }

    public string AuthorityFile { get; }

    /// <summary>A new authority (<paramref name="name"/>) whose files go to <paramref name="folder"/>.</summary>
    public static SiloCertificates Create(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        return new SiloCertificates(folder, authority);
    }

    /// <summary>
    /// Issues a certificate for <paramref name="name"/>, with <paramref name="address"/> as its subject alternative name
    /// when given (a server that clients check by name); returns its certificate and key files.
    /// </summary>
    public (string CertificateFile, string KeyFile) Issue(string name, System.Net.IPAddress? address = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        if (address is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(address);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var certificate = request.Create(_authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        var certificateFile = Path.Combine(Folder, name + ".crt");
        var keyFile = Path.Combine(Folder, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }

    /// <summary>The silo's TLS settings on its command line, with a certificate issued for <paramref name="name"/>.</summary>
    public string[] SiloArguments(string name)
    {
        var (certificate, key) = Issue(name);
        return
        [
            "--Fleet:SiloCertificateFile=" + certificate,
            "--Fleet:SiloKeyFile=" + key,
            "--Fleet:SiloAuthorityFile=" + AuthorityFile,
        ];
    }
}
