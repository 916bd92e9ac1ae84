using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Testing;

/// <summary>
/// What a terminal written in C# does to encrypt a card number to the node's public JWK, with nothing but
/// System.Security.Cryptography: the sample docs/terminal-contract.md shows, run here by the tests.
/// </summary>
public static class TerminalPanEncryption
{
    /// <summary>A JWE (compact, ECDH-ES, A256GCM) of <paramref name="pan"/>'s digits to the node key (x, y) named <paramref name="kid"/>.</summary>
    public static string Encrypt(string pan, string kid, byte[] nodeX, byte[] nodeY)
    {
        using var node = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = nodeX, Y = nodeY },
        });
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var epk = ephemeral.ExportParameters(includePrivateParameters: false).Q;
        var header = "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"kid\":\"" + kid + "\",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + Base64Url.EncodeToString(epk.X) + "\",\"y\":\"" + Base64Url.EncodeToString(epk.Y) + "\"}}";
        var protectedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));

        // Concat KDF (RFC 7518 §4.6.2): SHA-256(round 1 || Z || len "A256GCM" || "A256GCM" || empty apu || empty apv || 256 bits).
        var z = ephemeral.DeriveRawSecretAgreement(node.PublicKey);
        var input = new byte[4 + z.Length + 4 + 7 + 4 + 4 + 4];
        BinaryPrimitives.WriteInt32BigEndian(input, 1);
        z.CopyTo(input, 4);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(4 + z.Length), 7);
        "A256GCM"u8.CopyTo(input.AsSpan(8 + z.Length));
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(input.Length - 4), 256);
        var key = SHA256.HashData(input);

        var iv = RandomNumberGenerator.GetBytes(12);
        var plaintext = Encoding.ASCII.GetBytes(pan);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(protectedHeader));
        }

        CryptographicOperations.ZeroMemory(z);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(plaintext);
        return protectedHeader + ".." + Base64Url.EncodeToString(iv) + "." + Base64Url.EncodeToString(ciphertext) + "." + Base64Url.EncodeToString(tag);
    }
}
