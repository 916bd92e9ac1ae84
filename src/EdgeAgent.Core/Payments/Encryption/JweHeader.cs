using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>
/// The protected header of a card number's JWE, read from its decoded bytes into buffers the caller owns (on its stack).
/// Only <c>alg: ECDH-ES</c>, <c>enc: A256GCM</c> and an <c>epk</c> on P-256 are accepted; <c>crit</c> and <c>zip</c>
/// are refused (nothing here understands them), a member given twice is refused, other members are ignored.
/// </summary>
internal ref struct JweHeader
{
    public const int MaxPartyInfoBytes = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 3, CommentHandling = JsonCommentHandling.Disallow };

    private static readonly SearchValues<byte> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    private readonly Span<byte> _x;
    private readonly Span<byte> _y;
    private readonly Span<byte> _apu;
    private readonly Span<byte> _apv;
    private int _apuLength;
    private int _apvLength;
    private int _seen;

    public JweHeader(Span<byte> x, Span<byte> y, Span<byte> apu, Span<byte> apv)
    {
        _x = x;
        _y = y;
        _apu = apu;
        _apv = apv;
    }

    /// <summary>Index of the key the <c>kid</c> names, -1 when none.</summary>
    public int KeyIndex { get; private set; }

    public readonly ReadOnlySpan<byte> X => _x;

    public readonly ReadOnlySpan<byte> Y => _y;

    public readonly ReadOnlySpan<byte> PartyUInfo => _apu[.._apuLength];

    public readonly ReadOnlySpan<byte> PartyVInfo => _apv[.._apvLength];

    /// <summary>Reads <paramref name="json"/>; <paramref name="keyIds"/> are the node's kids, UTF-8.</summary>
    public PanDecryptionResult Read(ReadOnlySpan<byte> json, byte[][] keyIds)
    {
        KeyIndex = -1;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            var result = ReadObject(ref reader, keyIds);
            if (result != PanDecryptionResult.Decrypted)
            {
                return result;
            }

            // The object is the whole header: trailing bytes are not a header this agent reads.
            if (reader.Read())
            {
                return PanDecryptionResult.Malformed;
            }
        }
        catch (JsonException)
        {
            return PanDecryptionResult.Malformed;
        }

        const int required = (1 << Alg) | (1 << Enc) | (1 << Kid) | (1 << Epk);
        if ((_seen & required) != required)
        {
            return PanDecryptionResult.Malformed;
        }

        return KeyIndex < 0 ? PanDecryptionResult.UnknownKey : PanDecryptionResult.Decrypted;
    }

    private const int Alg = 0, Enc = 1, Kid = 2, Epk = 3, Apu = 4, Apv = 5, Kty = 6, Crv = 7, EpkX = 8, EpkY = 9;

    private PanDecryptionResult ReadObject(ref Utf8JsonReader reader, byte[][] keyIds)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return PanDecryptionResult.Malformed;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return PanDecryptionResult.Malformed;
            }

            var name = reader.ValueSpan;
            reader.Read();
            var result = name switch
            {
                _ when name.SequenceEqual("alg"u8) => Expect(ref reader, Alg, "ECDH-ES"u8),
                _ when name.SequenceEqual("enc"u8) => Expect(ref reader, Enc, "A256GCM"u8),
                _ when name.SequenceEqual("kid"u8) => ReadKid(ref reader, keyIds),
                _ when name.SequenceEqual("epk"u8) => ReadEpk(ref reader),
                _ when name.SequenceEqual("apu"u8) => ReadBase64Url(ref reader, Apu, _apu, out _apuLength, exact: false),
                _ when name.SequenceEqual("apv"u8) => ReadBase64Url(ref reader, Apv, _apv, out _apvLength, exact: false),
                _ when name.SequenceEqual("crit"u8) || name.SequenceEqual("zip"u8) => PanDecryptionResult.Unsupported,
                _ => Skip(ref reader),
            };
            if (result != PanDecryptionResult.Decrypted)
            {
                return result;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject ? PanDecryptionResult.Decrypted : PanDecryptionResult.Malformed;
    }

    private static PanDecryptionResult Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return PanDecryptionResult.Decrypted;
    }

    private bool FirstTime(int member)
    {
        var bit = 1 << member;
        if ((_seen & bit) != 0)
        {
            return false;
        }

        _seen |= bit;
        return true;
    }

    private PanDecryptionResult Expect(ref Utf8JsonReader reader, int member, ReadOnlySpan<byte> value)
    {
        if (!FirstTime(member) || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return PanDecryptionResult.Malformed;
        }

        return reader.ValueSpan.SequenceEqual(value) ? PanDecryptionResult.Decrypted : PanDecryptionResult.Unsupported;
    }

    private PanDecryptionResult ReadKid(ref Utf8JsonReader reader, byte[][] keyIds)
    {
        if (!FirstTime(Kid) || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
            || reader.ValueSpan.Length is 0 or > PanDecryptor.MaxKeyIdLength)
        {
            return PanDecryptionResult.Malformed;
        }

        for (var i = 0; i < keyIds.Length; i++)
        {
            if (reader.ValueSpan.SequenceEqual(keyIds[i]))
            {
                KeyIndex = i;
                break;
            }
        }

        return PanDecryptionResult.Decrypted;
    }

    private PanDecryptionResult ReadEpk(ref Utf8JsonReader reader)
    {
        if (!FirstTime(Epk) || reader.TokenType != JsonTokenType.StartObject)
        {
            return PanDecryptionResult.Malformed;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return PanDecryptionResult.Malformed;
            }

            var name = reader.ValueSpan;
            reader.Read();
            var result = name switch
            {
                _ when name.SequenceEqual("kty"u8) => Expect(ref reader, Kty, "EC"u8),
                _ when name.SequenceEqual("crv"u8) => Expect(ref reader, Crv, "P-256"u8),
                _ when name.SequenceEqual("x"u8) => ReadBase64Url(ref reader, EpkX, _x, out _, exact: true),
                _ when name.SequenceEqual("y"u8) => ReadBase64Url(ref reader, EpkY, _y, out _, exact: true),
                _ => Skip(ref reader),
            };
            if (result != PanDecryptionResult.Decrypted)
            {
                return result;
            }
        }

        const int required = (1 << Kty) | (1 << Crv) | (1 << EpkX) | (1 << EpkY);
        return reader.TokenType == JsonTokenType.EndObject && (_seen & required) == required
            ? PanDecryptionResult.Decrypted
            : PanDecryptionResult.Malformed;
    }

    /// <summary>Decodes a base64url string member into <paramref name="target"/>; <paramref name="exact"/> asks it to fill the buffer.</summary>
    private PanDecryptionResult ReadBase64Url(ref Utf8JsonReader reader, int member, Span<byte> target, out int written, bool exact)
    {
        written = 0;
        if (!FirstTime(member) || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return PanDecryptionResult.Malformed;
        }

        if (!TryDecode(reader.ValueSpan, target, out written) || (exact && written != target.Length))
        {
            return member is EpkX or EpkY ? PanDecryptionResult.InvalidKey : PanDecryptionResult.Malformed;
        }

        return PanDecryptionResult.Decrypted;
    }

    /// <summary>Strict base64url without padding into <paramref name="target"/>; false when it is not that or does not fit.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, Span<byte> target, out int written)
    {
        written = 0;
        if (text.ContainsAnyExcept(Base64UrlChars))
        {
            return false;
        }

        return Base64Url.DecodeFromUtf8(text, target, out var consumed, out written) == OperationStatus.Done && consumed == text.Length;
    }
}
