using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>
/// Decrypts a card number a terminal encrypted to this node: a JWE in compact serialization (RFC 7516), <c>alg</c>
/// ECDH-ES with the Concat KDF (RFC 7518 §4.6), <c>enc</c> A256GCM, P-256 keys, the <c>kid</c> naming the node key
/// (<see cref="PanKeyId"/>). The plaintext is the card number's digits, decrypted straight into the caller's buffer;
/// the derived key and the shared secret live on the stack and are wiped. Everything is bounded before any work, and
/// the elliptic-curve work is done only for a well-formed JWE naming a key this node holds. Pure code: the keys are
/// handed in. Thread-safe: the keys are only read.
/// </summary>
public sealed class PanDecryptor : IDisposable
{
    /// <summary>Longest JWE read, in bytes; a P-256 one with a card number and a 64-character kid is about 350.</summary>
    public const int MaxJweLength = 1024;

    /// <summary>Longest <c>kid</c> accepted (a thumbprint is 43 characters).</summary>
    public const int MaxKeyIdLength = 64;

    /// <summary>Largest decoded protected header, in bytes.</summary>
    public const int MaxHeaderBytes = 512;

    /// <summary>Largest plaintext buffer a caller may hand in (it bounds the ciphertext accepted; a card number is 19).</summary>
    public const int MaxPlaintextBytes = 64;

    private const int IvBytes = 12;
    private const int TagBytes = 16;
    private const int KeyBytes = 32;

    private readonly ECDiffieHellman[] _keys;
    private readonly byte[][] _keyIds;

    /// <summary>A decryptor for the node's P-256 private keys, the current one first, then those kept for a rotation.</summary>
    public PanDecryptor(IReadOnlyList<ECParameters> keys)
    {
        _keys = new ECDiffieHellman[keys.Count];
        _keyIds = new byte[keys.Count][];
        var ids = new string[keys.Count];
        KeyIds = ids;
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].D is null || keys[i].Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new ArgumentException("A card number key is a P-256 private key.", nameof(keys));
            }

            _keys[i] = ECDiffieHellman.Create(keys[i]);
            ids[i] = PanKeyId.Of(keys[i]);
            _keyIds[i] = Encoding.ASCII.GetBytes(ids[i]);
        }
    }

    /// <summary>No keys: every encrypted card number is refused as <see cref="PanDecryptionResult.UnknownKey"/>.</summary>
    public static PanDecryptor None { get; } = new([]);

    /// <summary>The kids of the keys held, the current one first.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>
    /// Decrypts <paramref name="jwe"/> into <paramref name="plaintext"/>, whose length bounds the plaintext accepted.
    /// <paramref name="written"/> is the plaintext's length and <paramref name="keyIndex"/> the key used, when decrypted.
    /// </summary>
    public PanDecryptionResult Decrypt(ReadOnlySpan<byte> jwe, Span<byte> plaintext, out int written, out int keyIndex)
    {
        written = 0;
        keyIndex = -1;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintext.Length, MaxPlaintextBytes, nameof(plaintext));
        if (jwe.Length > MaxJweLength)
        {
            return PanDecryptionResult.Malformed;
        }

        // header . encrypted key . iv . ciphertext . tag
        Span<Range> parts = stackalloc Range[5];
        if (!TrySplit(jwe, parts))
        {
            return PanDecryptionResult.Malformed;
        }

        var headerText = jwe[parts[0]];
        if (jwe[parts[1]].Length != 0)
        {
            return PanDecryptionResult.Unsupported; // a wrapped content key: ECDH-ES+A*KW, not direct ECDH-ES
        }

        Span<byte> header = stackalloc byte[MaxHeaderBytes];
        Span<byte> iv = stackalloc byte[IvBytes];
        Span<byte> tag = stackalloc byte[TagBytes];
        Span<byte> ciphertext = stackalloc byte[plaintext.Length];
        if (headerText.Length > (MaxHeaderBytes * 4 / 3) + 1
            || !JweHeader.TryDecode(headerText, header, out var headerLength)
            || !JweHeader.TryDecode(jwe[parts[2]], iv, out var ivLength) || ivLength != IvBytes
            || !JweHeader.TryDecode(jwe[parts[4]], tag, out var tagLength) || tagLength != TagBytes
            || !JweHeader.TryDecode(jwe[parts[3]], ciphertext, out var ciphertextLength) || ciphertextLength == 0)
        {
            return PanDecryptionResult.Malformed;
        }

        Span<byte> x = stackalloc byte[P256.CoordinateBytes];
        Span<byte> y = stackalloc byte[P256.CoordinateBytes];
        Span<byte> apu = stackalloc byte[JweHeader.MaxPartyInfoBytes];
        Span<byte> apv = stackalloc byte[JweHeader.MaxPartyInfoBytes];
        var fields = new JweHeader(x, y, apu, apv);
        var read = fields.Read(header[..headerLength], _keyIds);
        if (read != PanDecryptionResult.Decrypted)
        {
            return read;
        }

        if (!P256.IsOnCurve(fields.X, fields.Y))
        {
            return PanDecryptionResult.InvalidKey;
        }

        Span<byte> key = stackalloc byte[KeyBytes];
        try
        {
            if (!TryDeriveKey(_keys[fields.KeyIndex], fields, key))
            {
                return PanDecryptionResult.InvalidKey;
            }

            var output = plaintext[..ciphertextLength];
            using var gcm = new AesGcm(key, TagBytes);
            try
            {
                // The additional data is the protected header exactly as sent (RFC 7516 §5.2 step 14).
                gcm.Decrypt(iv, ciphertext[..ciphertextLength], tag, output, headerText);
            }
            catch (AuthenticationTagMismatchException)
            {
                return PanDecryptionResult.NotAuthentic;
            }

            written = ciphertextLength;
            keyIndex = fields.KeyIndex;
            return PanDecryptionResult.Decrypted;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// ECDH with the sender's ephemeral key, then the Concat KDF of NIST SP 800-56A as RFC 7518 §4.6.2 profiles it. One
    /// SHA-256 round gives the 256 bits A256GCM needs: SHA-256(counter 1 || Z || AlgorithmID || PartyUInfo ||
    /// PartyVInfo || SuppPubInfo), each info a 32-bit big-endian length and its bytes, AlgorithmID the <c>enc</c>
    /// value (direct key agreement) and SuppPubInfo the key length in bits.
    /// </summary>
    private static bool TryDeriveKey(ECDiffieHellman node, in JweHeader fields, Span<byte> key)
    {
        byte[] shared;
        try
        {
            using var sender = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = fields.X.ToArray(), Y = fields.Y.ToArray() },
            });
            shared = node.DeriveRawSecretAgreement(sender.PublicKey);
        }
        catch (CryptographicException)
        {
            return false;
        }

        var algorithm = "A256GCM"u8;
        Span<byte> input = stackalloc byte[4 + KeyBytes + 4 + 7 + 4 + JweHeader.MaxPartyInfoBytes + 4 + JweHeader.MaxPartyInfoBytes + 4];
        try
        {
            var at = 0;
            BinaryPrimitives.WriteInt32BigEndian(input[at..], 1);
            at += 4;
            shared.CopyTo(input[at..]);
            at += shared.Length;
            at = Append(input, at, algorithm);
            at = Append(input, at, fields.PartyUInfo);
            at = Append(input, at, fields.PartyVInfo);
            BinaryPrimitives.WriteInt32BigEndian(input[at..], KeyBytes * 8);
            at += 4;
            SHA256.HashData(input[..at], key);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static bool TrySplit(ReadOnlySpan<byte> jwe, Span<Range> parts)
    {
        var start = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var dot = jwe[start..].IndexOf((byte)'.');
            if (dot < 0)
            {
                return false;
            }

            parts[i] = new Range(start, start + dot);
            start += dot + 1;
        }

        parts[^1] = new Range(start, jwe.Length);
        return !jwe[start..].Contains((byte)'.');
    }

    private static int Append(Span<byte> target, int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(target[at..], value.Length);
        value.CopyTo(target[(at + 4)..]);
        return at + 4 + value.Length;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
