using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Core.Tokenization;

/// <summary>
/// A key check value for a tokenization key: the first 8 bytes of HMAC-SHA256(key, a fixed label), in hex. It tells
/// keys apart (a node refuses to start with a key other than the one its records were made with) and reveals nothing
/// about the key or any card.
/// </summary>
public static class KeyFingerprint
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("EdgeAgent tokenization key check v1");

    /// <summary>16 lower-case hex characters.</summary>
    public static string Of(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Label, mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
