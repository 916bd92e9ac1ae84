using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>
/// The id of a node key as terminals name it in the JWE <c>kid</c>: its RFC 7638 JWK thumbprint (base64url SHA-256 of
/// <c>{"crv","kty","x","y"}</c>). Made from the public key itself, so an id can never be paired with another key, any
/// JOSE library computes the same, and a key file needs no id of its own.
/// </summary>
public static class PanKeyId
{
    /// <summary>The thumbprint of a P-256 public key (<paramref name="key"/>'s Q; a private part is ignored).</summary>
    public static string Of(ECParameters key)
    {
        var x = key.Q.X ?? throw new ArgumentException("The key has no public point.", nameof(key));
        var y = key.Q.Y ?? throw new ArgumentException("The key has no public point.", nameof(key));
        var canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + Base64Url.EncodeToString(x) + "\",\"y\":\"" + Base64Url.EncodeToString(y) + "\"}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(canonical)));
    }

    /// <summary>The public JWK terminals encrypt to: <c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>, <c>kid</c>, <c>use</c> and <c>alg</c>.</summary>
    public static string PublicJwk(ECParameters key)
    {
        var x = Base64Url.EncodeToString(key.Q.X!);
        var y = Base64Url.EncodeToString(key.Q.Y!);
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + x + "\",\"y\":\"" + y + "\",\"kid\":\"" + Of(key) + "\",\"use\":\"enc\",\"alg\":\"ECDH-ES\"}";
    }
}
