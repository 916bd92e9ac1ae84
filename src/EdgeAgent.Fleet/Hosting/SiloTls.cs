using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>
/// Mutual TLS between the silos, and between a silo's gateway and its clients: every connection presents a certificate
/// signed by the fleet's own authority and accepts only such a certificate from the other side. Trust is that signature
/// alone, not a name: silos advertise pod addresses that change with every restart, and the authority signs nothing else.
/// </summary>
public sealed class SiloTls
{
    private readonly X509Certificate2Collection _authority;

    private SiloTls(X509Certificate2 certificate, X509Certificate2Collection authority)
    {
        Certificate = certificate;
        _authority = authority;
    }

    /// <summary>The certificate this side presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Reads the PEM files named by <paramref name="certificateFile"/>, <paramref name="keyFile"/> and <paramref name="authorityFile"/>.</summary>
    public static SiloTls Load(string certificateFile, string keyFile, string authorityFile)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        var authority = new X509Certificate2Collection();
        authority.ImportFromPemFile(authorityFile);
        if (authority.Count == 0)
        {
            throw new InvalidOperationException($"{authorityFile} holds no certificate.");
        }

        return new SiloTls(certificate, authority);
    }

    /// <summary>Applies this side's certificate and the authority check to Orleans' TLS settings.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, errors) => IsSignedByAuthority(certificate, errors);
    }

    /// <summary>True when <paramref name="certificate"/> chains to the fleet's authority and is within its validity.</summary>
    public bool IsSignedByAuthority(X509Certificate2 certificate, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        // The platform's verdict is against the machine's roots; the fleet's authority is the only root that counts here.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
