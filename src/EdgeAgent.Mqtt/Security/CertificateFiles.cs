using System.Security.Cryptography.X509Certificates;

namespace EdgeAgent.Mqtt.Security;

/// <summary>Loads the broker's certificates from mounted files: PEM as the credentials command and openssl write them, or PKCS#12.</summary>
public static class CertificateFiles
{
    /// <summary>A certificate with its private key: PEM (key inline or in <paramref name="keyPath"/>, chain after the leaf ignored) or PKCS#12.</summary>
    public static X509Certificate2 LoadWithKey(string path, string? keyPath)
    {
        var text = File.ReadAllText(path);
        if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, null);
        }

        using var pem = X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath);
        if (!pem.HasPrivateKey)
        {
            throw new InvalidOperationException($"{path} holds no private key; name it with the key setting");
        }

        // SslStream hands the key to OpenSSL (Linux) or SChannel (Windows); a PKCS#12 round trip gives a key both accept.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Every certificate of a PEM bundle (a CA, or a CA and its intermediates).</summary>
    public static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        if (bundle.Count == 0)
        {
            throw new InvalidOperationException($"{path} holds no certificate");
        }

        return bundle;
    }
}
