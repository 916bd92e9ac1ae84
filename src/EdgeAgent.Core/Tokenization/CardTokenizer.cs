using System.Buffers.Text;
using System.Security.Cryptography;

namespace EdgeAgent.Core.Tokenization;

/// <summary>
/// Turns a card number into a keyed token: <c>{keyId}.{base64url(HMAC-SHA256(key, pan))[..24]}</c>.
/// A keyed hash (PCI DSS v4.0.1 3.5.1.1) cannot be reversed or brute-forced without the key, and the key id
/// in every token lets a fleet rotate keys while old records stay attributable. Nodes that share a key
/// produce the same token for the same card, so cloud-side joins work. During a rotation the tokenizer also holds
/// the previous key, so that a card's history, recorded under its old token, can still be found.
/// </summary>
public sealed class CardTokenizer
{
    /// <summary>Bytes of the HMAC kept in the token: 144 bits, far beyond any collision risk for card volumes.</summary>
    private const int TokenHashBytes = 18;

    /// <summary>Shortest key accepted: the HMAC-SHA256 block strength.</summary>
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;
    private readonly string _prefix;
    private readonly byte[]? _previousKey;
    private readonly string? _previousPrefix;

    /// <summary>A tokenizer with one key and no previous one.</summary>
    public CardTokenizer(ReadOnlySpan<byte> key, string keyId)
        : this(key, keyId, default, null)
    {
    }

    /// <summary>A tokenizer for a rotation: new tokens with <paramref name="key"/>, history found with <paramref name="previousKey"/>.</summary>
    public CardTokenizer(ReadOnlySpan<byte> key, string keyId, ReadOnlySpan<byte> previousKey, string? previousKeyId)
    {
        Check(key, keyId);
        _key = key.ToArray();
        KeyId = keyId;
        _prefix = keyId + ".";
        Fingerprint = KeyFingerprint.Of(key);
        if (previousKeyId is null)
        {
            return;
        }

        Check(previousKey, previousKeyId);
        if (previousKeyId == keyId || CryptographicOperations.FixedTimeEquals(previousKey, key))
        {
            throw new ArgumentException("The previous key needs its own id and its own bytes.", nameof(previousKeyId));
        }

        _previousKey = previousKey.ToArray();
        PreviousKeyId = previousKeyId;
        PreviousFingerprint = KeyFingerprint.Of(previousKey);
        _previousPrefix = previousKeyId + ".";
    }

    /// <summary>Identifies the key, written into every token.</summary>
    public string KeyId { get; }

    /// <summary>The key's check value (<see cref="KeyFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>Id of the previous key during a rotation; null otherwise.</summary>
    public string? PreviousKeyId { get; }

    /// <summary>The previous key's check value during a rotation (the fleet accepts a card's previous-key token only for a key it lists); null otherwise.</summary>
    public string? PreviousFingerprint { get; }

    /// <summary>Tokenizes the ASCII digits of a card number. The caller clears its copy of the digits.</summary>
    public string Tokenize(ReadOnlySpan<byte> panDigits) => Token(Keyed().Current, _prefix, panDigits);

    /// <summary>
    /// The card's token under the current key and, during a rotation, under the previous one, from the same digits
    /// (the caller reads and clears them once). <see cref="CardTokens.Previous"/> is null without a previous key.
    /// </summary>
    public CardTokens TokenizeWithPrevious(ReadOnlySpan<byte> panDigits)
    {
        var keyed = Keyed();
        return new(Token(keyed.Current, _prefix, panDigits), keyed.Previous is null ? null : Token(keyed.Previous, _previousPrefix!, panDigits));
    }

    /// <summary>
    /// This thread's HMAC contexts for this tokenizer's keys, made on its first card: a one-shot HMAC sets up the key and
    /// looks the algorithm up in OpenSSL at every call, a kept context only resets. One tokenizer at a time per thread (a
    /// rotation's new tokenizer replaces the contexts of the old one on the thread's next card).
    /// </summary>
    private KeyedHashes Keyed()
    {
        var keyed = _keyed;
        if (keyed?.Owner == this)
        {
            return keyed;
        }

        keyed?.Dispose();
        return _keyed = new KeyedHashes(this,
            IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key),
            _previousKey is null ? null : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _previousKey));
    }

    [ThreadStatic]
    private static KeyedHashes? _keyed;

    private sealed record KeyedHashes(CardTokenizer Owner, IncrementalHash Current, IncrementalHash? Previous) : IDisposable
    {
        public void Dispose()
        {
            Current.Dispose();
            Previous?.Dispose();
        }
    }

    private static string Token(IncrementalHash hmac, string prefix, ReadOnlySpan<byte> panDigits)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.AppendData(panDigits);
        hmac.GetHashAndReset(mac);
        Span<char> token = stackalloc char[prefix.Length + Base64Url.GetEncodedLength(TokenHashBytes)];
        prefix.CopyTo(token);
        Base64Url.EncodeToChars(mac[..TokenHashBytes], token[prefix.Length..]);
        CryptographicOperations.ZeroMemory(mac);
        return new string(token);
    }

    private static void Check(ReadOnlySpan<byte> key, string keyId)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"A tokenization key needs at least {MinimumKeyBytes} bytes; got {key.Length}.", nameof(key));
        }

        if (!IsValidKeyId(keyId))
        {
            throw new ArgumentException("A key id is 1-16 of [A-Za-z0-9_-].", nameof(keyId));
        }
    }

    /// <summary>True for a key id: 1-16 of <c>[A-Za-z0-9_-]</c> (it prefixes every token, before the dot).</summary>
    public static bool IsValidKeyId(string keyId) => Payments.Identifiers.IsValid(keyId) && keyId.Length <= 16;
}
