using CsCheck;
using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Tests.Properties;

namespace EdgeAgent.Core.Tests.Payments;

/// <summary>
/// The scanner against the ids terminals make: a million random ids of each kind, none taken for a card number (with a
/// Luhn check alone, one random 24-hex-digit id in about 900 was); and card numbers as cards print them, always found.
/// The scanner alone runs here, in a tight loop, so a million cases stay within a few seconds.
/// </summary>
public sealed class CardNumberScannerProperties
{
    private const long Ids = 1_000_000;
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string Rfc4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>20 to 64 hex digits (10 to 32 random bytes), either case, some behind a prefix of their own.</summary>
    private static readonly Gen<string> HexId = Gen.Select(Gen.Byte.Array[10, 32], Gen.Int[0, 3]).Select((bytes, form) => form switch
    {
        0 => Convert.ToHexStringLower(bytes),
        1 => Convert.ToHexString(bytes),
        2 => "tx-" + Convert.ToHexStringLower(bytes),
        _ => "T_" + Convert.ToHexString(bytes),
    });

    /// <summary>UUIDs as they are printed: with dashes, either case, braces or not.</summary>
    private static readonly Gen<string> UuidId = Gen.Select(Gen.Guid, Gen.Int[0, 3]).Select((guid, form) => form switch
    {
        0 => guid.ToString("D"),
        1 => guid.ToString("D").ToUpperInvariant(),
        2 => guid.ToString("B"),
        _ => guid.ToString("N"),
    });

    /// <summary>RFC 4648 base32 of 10 to 40 random bytes, with or without padding, and ULID-shaped Crockford base32.</summary>
    private static readonly Gen<string> Base32Id = Gen.Select(Gen.Byte.Array[10, 40], Gen.Int[0, 2]).Select((bytes, form) => form switch
    {
        0 => Base32(bytes, Rfc4648, pad: true),
        1 => Base32(bytes, Rfc4648, pad: false),
        _ => Base32(bytes[..Math.Min(bytes.Length, 16)], Crockford, pad: false),
    });

    /// <summary>Base64 of 9 to 48 random bytes, standard (with + / =) or URL-safe (with - _).</summary>
    private static readonly Gen<string> Base64Id = Gen.Select(Gen.Byte.Array[9, 48], Gen.Bool).Select((bytes, urlSafe) =>
    {
        var text = Convert.ToBase64String(bytes);
        return urlSafe ? text.Replace('+', '-').Replace('/', '_').TrimEnd('=') : text;
    });

    /// <summary>Where a printed card number may sit: at a field's ends, or after and before anything but a letter or digit.</summary>
    private static readonly Gen<string> Delimiter = Gen.OneOf("", " ", ":", "=", "\"", "(", ")", ",", ";", "#", "\u20ac", "\n");

    [Fact]
    public void RandomHexIds_AreNeverTakenForCardNumbers() => NeverFound(HexId);

    [Fact]
    public void RandomUuids_AreNeverTakenForCardNumbers() => NeverFound(UuidId);

    [Fact]
    public void RandomBase32Ids_AreNeverTakenForCardNumbers() => NeverFound(Base32Id);

    [Fact]
    public void RandomBase64Ids_AreNeverTakenForCardNumbers() => NeverFound(Base64Id);

    [Fact]
    public void CardNumbersAsPrinted_AreAlwaysFound_WhateverSurroundsThem() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 0, 12], Delimiter, PrintedCard, Delimiter, Gen.String[Gen.Char.AlphaNumeric, 0, 12])
            .Sample((before, open, card, close, after) =>
            {
                // Text around the delimiters may be anything; without a delimiter the card number is at the field's end.
                var text = (open.Length == 0 ? "" : before + open) + card + (close.Length == 0 ? "" : close + after);
                return CardNumberScanner.Contains(text) && CardNumberScanner.Contains(System.Text.Encoding.UTF8.GetBytes(text));
            }, iter: PropertyRuns.Of(100_000));

    /// <summary>Unbroken, or in one of the groupings cards are printed with, joined by one separator.</summary>
    private static Gen<string> PrintedCard => Gen.Select(PaymentGen.CardNumber, Gen.Char[" -./_"], Gen.Int[0, 2]).Select((card, separator, layout) =>
        layout switch
        {
            0 => card,
            1 => string.Join(separator, card.Chunk(4).Select(c => new string(c))),
            _ when card.Length is 14 or 15 => string.Concat(card[..4], separator.ToString(), card[4..10], separator.ToString(), card[10..]),
            _ => card,
        });

    private static void NeverFound(Gen<string> ids) =>
        ids.Sample(id => !CardNumberScanner.Contains(id), iter: PropertyRuns.Of(Ids));

    private static string Base32(byte[] bytes, string alphabet, bool pad)
    {
        var chars = new List<char>();
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars.Add(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars.Add(alphabet[(buffer << (5 - bits)) & 31]);
        }

        while (pad && chars.Count % 8 != 0)
        {
            chars.Add('=');
        }

        return new string([.. chars]);
    }
}
