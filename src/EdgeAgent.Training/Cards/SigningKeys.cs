using System.Security.Cryptography;
using EdgeAgent.Core.Scoring;
using EdgeAgent.Training.Cli;

namespace EdgeAgent.Training.Cards;

/// <summary>
/// The training key that signs model cards: an ECDSA P-256 key pair, the private half as PKCS#8 PEM (mode 0600, kept
/// by whoever releases models, never in the repository or on a node), the public half as SubjectPublicKeyInfo PEM
/// beside it (<c>{name}.pub.pem</c>), which agents trust through <c>Inference:ModelSigningKeys</c>.
/// </summary>
public static class SigningKeys
{
    /// <summary>The public key's file for a private key file: <c>x.pem</c> gives <c>x.pub.pem</c>.</summary>
    public static string PublicPath(string privatePath) =>
        (privatePath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ? privatePath[..^4] : privatePath) + ".pub.pem";

    /// <summary>Makes a key pair; never overwrites a file. Returns the key id.</summary>
    public static string Create(string privatePath)
    {
        var publicPath = PublicPath(privatePath);
        if (File.Exists(privatePath) || File.Exists(publicPath))
        {
            throw new ArgumentException($"'{privatePath}' or '{publicPath}' exists; a signing key is never overwritten.");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (Path.GetDirectoryName(Path.GetFullPath(privatePath)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privatePath, options))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }

        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
        return ModelCardSigning.KeyId(key);
    }

    /// <summary>Reads a private P-256 key from a PEM file.</summary>
    public static ECDsa ReadPrivate(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            _ = key.ExportParameters(includePrivateParameters: true);
            if (!ModelCardSigning.IsP256(key))
            {
                throw new InvalidDataException($"'{path}' is not a P-256 key.");
            }

            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or InvalidDataException)
        {
            key.Dispose();
            throw ex as InvalidDataException ?? new InvalidDataException($"'{path}' is not a private key in PEM ({ex.Message}).", ex);
        }
    }
}
