using System.Security.Cryptography;
using EdgeAgent.Core.Payments.Encryption;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Security;

/// <summary>
/// The node's card number key on disk: <c>{name}.key</c>, the P-256 private key as PKCS#8 PEM (mode 0600, written like
/// every secret by <see cref="SecretFile"/>), and for the terminals its public half, <c>{name}.jwk</c> (a JWK with its
/// kid) and <c>{name}.pem</c> (SubjectPublicKeyInfo). The kid is the key's own thumbprint, so no file names it.
/// </summary>
public static class PanKeyFile
{
    /// <summary>Reads a private key file; a refusal naming <paramref name="setting"/> when it is not a P-256 private key.</summary>
    public static ECParameters Read(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw Refusal($"{setting}: the key file {path} does not exist");
        }

        using var key = ECDiffieHellman.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw Refusal($"{setting}: {path} is not a PEM private key ({ex.Message})");
        }

        var parameters = key.ExportParameters(includePrivateParameters: true);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value || parameters.D is null)
        {
            throw Refusal($"{setting}: {path} is not a P-256 private key; make one with 'EdgeAgent credentials pan-key'");
        }

        return parameters;
    }

    /// <summary>Where the public JWK of the key in <paramref name="keyPath"/> goes.</summary>
    public static string JwkPath(string keyPath) => Stem(keyPath) + ".jwk";

    /// <summary>Where the public PEM of the key in <paramref name="keyPath"/> goes.</summary>
    public static string PublicPemPath(string keyPath) => Stem(keyPath) + ".pem";

    /// <summary>Where <c>--rotate</c> keeps the key it replaces.</summary>
    public static string PreviousPath(string keyPath) => Stem(keyPath) + ".previous.key";

    /// <summary>Makes a new key pair and writes its three files; false (nothing written) when <paramref name="keyPath"/> exists.</summary>
    public static bool TryCreate(string keyPath, out string kid)
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        kid = PanKeyId.Of(parameters);
        try
        {
            if (!SecretFile.WriteText(keyPath, key.ExportPkcs8PrivateKeyPem(), overwrite: false))
            {
                return false;
            }

            WritePublic(JwkPath(keyPath), PanKeyId.PublicJwk(parameters) + "\n");
            WritePublic(PublicPemPath(keyPath), key.ExportSubjectPublicKeyInfoPem() + "\n");
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>
    /// Moves the key in <paramref name="keyPath"/> and its public files to <c>{name}.previous.*</c> (replacing an older
    /// previous key, which is then no longer read) and makes a new one in its place. Returns the two kids.
    /// </summary>
    public static (string Previous, string Current) Rotate(string keyPath)
    {
        var previous = Read(keyPath, "--out");
        var previousKid = PanKeyId.Of(previous);
        CryptographicOperations.ZeroMemory(previous.D);
        var previousPath = PreviousPath(keyPath);
        File.Move(keyPath, previousPath, overwrite: true);
        MoveIfThere(JwkPath(keyPath), JwkPath(previousPath));
        MoveIfThere(PublicPemPath(keyPath), PublicPemPath(previousPath));
        if (!TryCreate(keyPath, out var kid))
        {
            throw new IOException($"{keyPath} appeared while it was being rotated");
        }

        return (previousKid, kid);
    }

    /// <summary>A start refusal naming the card number key settings.</summary>
    public static OptionsValidationException Refusal(string message) =>
        new(PanEncryptionOptions.SectionName, typeof(PanEncryptionOptions), [message]);

    private static string Stem(string keyPath) =>
        keyPath.EndsWith(".key", StringComparison.Ordinal) ? keyPath[..^4] : keyPath;

    private static void MoveIfThere(string from, string to)
    {
        if (File.Exists(from))
        {
            File.Move(from, to, overwrite: true);
        }
    }

    private static void WritePublic(string path, string text)
    {
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
    }
}
