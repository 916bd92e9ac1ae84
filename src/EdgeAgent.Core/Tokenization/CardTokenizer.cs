using System.Buffers.Text;
using System.Security.Cryptography;

namespace EdgeAgent.Core.Tokenization;

/// <summary>
/// Turns a card number into a keyed token: <c>{keyId}.{base64url(HMAC-SHA256(key, pan))[..24]}</c>.
/// A keyed hash (PCI DSS v4.0.1 3.5.1.1) cannot be reversed or brute-forced without the key, and the key id
/// in every token lets a fleet rotate keys while old records stay attributable. Nodes that share a key
/// produce the same token for the same card, so cloud-side joins work.
/// </summary>
public sealed class CardTokenizer
{
    /// <summary>Bytes of the HMAC kept in the token: 144 bits, far beyond any collision risk for card volumes.</summary>
    private const int TokenHashBytes = 18;

    /// <summary>Shortest key accepted: the HMAC-SHA256 block strength.</summary>
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;
    private readonly string _prefix;

    public CardTokenizer(ReadOnlySpan<byte> key, string keyId)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"A tokenization key needs at least {MinimumKeyBytes} bytes; got {key.Length}.", nameof(key));
        }

        if (!Payments.Identifiers.IsValid(keyId) || keyId.Length > 16)
        {
            throw new ArgumentException("A key id is 1-16 of [A-Za-z0-9_-].", nameof(keyId));
        }

        _key = key.ToArray();
        KeyId = keyId;
        _prefix = keyId + ".";
    }

    /// <summary>Identifies the key, written into every token.</summary>
    public string KeyId { get; }

    /// <summary>Tokenizes the ASCII digits of a card number. The caller clears its copy of the digits.</summary>
    public string Tokenize(ReadOnlySpan<byte> panDigits)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, panDigits, mac);
        Span<char> token = stackalloc char[_prefix.Length + Base64Url.GetEncodedLength(TokenHashBytes)];
        _prefix.CopyTo(token);
        Base64Url.EncodeToChars(mac[..TokenHashBytes], token[_prefix.Length..]);
        CryptographicOperations.ZeroMemory(mac);
        return new string(token);
    }
}
