using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Shared.Mqtt;

/// <summary>Loads the certificates the cloud links use (IoT Hub, the MQTT target, the fleet link and the fleet's uplink): a client certificate, and a trust bundle for the server's chain.</summary>
public static class CloudCertificates
{
    /// <summary>A client certificate with its private key: PEM (key inline or in <paramref name="keyPath"/>) or PKCS#12.</summary>
    public static X509Certificate2 LoadClientCertificate(string path, string? keyPath)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"certificate {path} not found", path);
        }

        var text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var pem = X509Certificate2.CreateFromPemFile(path, keyPath);

            // SslStream on Linux needs the key in a form it can hand to OpenSSL for a client handshake.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, null);
    }

    /// <summary>Every certificate of a PEM bundle.</summary>
    public static X509Certificate2Collection LoadBundle(string pem)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(pem);
        if (bundle.Count == 0)
        {
            throw new ArgumentException("the trust bundle holds no certificate.");
        }

        return bundle;
    }
}
