using System.Globalization;
using System.Text;
using CsCheck;

namespace EdgeAgent.Testing;

/// <summary>
/// Generators of payloads for the property tests: payments close to the contract with fields swapped for random values,
/// random JSON of any shape, random bytes, and single-byte damage to good payloads. Strings mix plain text, any
/// <c>\uXXXX</c> escape (lone surrogates and NUL included), characters outside the BMP and card numbers, plain or grouped.
/// </summary>
public static class PaymentGen
{
    public static readonly string[] Fields =
        ["transactionId", "timestamp", "amount", "currency", "pan", "cardToken", "mcc", "channel", "merchantId", "location"];

    /// <summary>
    /// A Luhn-valid card number of 13 to 19 digits, whose first digit a card can have (2 to 9: no card is issued under 0,
    /// and under 1 only 15-digit airline cards).
    /// </summary>
    public static readonly Gen<string> CardNumber =
        Gen.Select(Gen.Char['2', '9'], Gen.Int[13, 19].SelectMany(n => Gen.Char['0', '9'].Array[n - 2]))
            .Select((first, body) => WithCheckDigit(first + new string(body)));

    /// <summary>A 16-digit card number printed in groups of four with one separator.</summary>
    public static readonly Gen<string> GroupedCardNumber =
        Gen.Select(Gen.Char['2', '9'], Gen.Char['0', '9'].Array[14], Gen.Char[" -./_"]).Select((first, body, separator) =>
            string.Join(separator, WithCheckDigit(first + new string(body)).Chunk(4).Select(c => new string(c))));

    /// <summary>Card digits written as JSON escapes, which hide nothing once decoded.</summary>
    public static readonly Gen<string> EscapedCardNumber =
        CardNumber.Select(card => string.Concat(card.Select(c => $"\\u{(int)c:X4}")));

    private static readonly Gen<string> Piece = Gen.Frequency(
        (8, Gen.String[Gen.Char.AlphaNumeric, 0, 8]),
        (2, Gen.Char.Select(c => c.ToString())),
        (3, Gen.Int[0, 0xFFFF].Select(u => $"\\u{u:X4}")),
        (1, Gen.Int[0xD800, 0xDFFF].Select(u => $"\\u{u:x4}")),
        (1, Gen.OneOf("\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b", "\\u0000", "\\x", "\\")),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)),
        (1, CardNumber),
        (1, GroupedCardNumber),
        (1, EscapedCardNumber));

    public static readonly Gen<string> StringLiteral = Piece.Array[0, 6].Select(pieces => "\"" + string.Concat(pieces) + "\"");

    public static readonly Gen<string> Number = Gen.Frequency(
        (4, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Int[1, 400].SelectMany(n => Gen.Char['0', '9'].Array[n]).Select(digits => "1" + new string(digits))),
        (1, Gen.OneOf("1e400", "-1e400", "1e-400", "-0", "0.0000000000000000000000000000001", "79228162514264337593543950336",
            "1E+2", "00", "-", "1.", ".5", "0x10")),
        (1, CardNumber));

    private static readonly Gen<string> Scalar = Gen.Frequency((3, StringLiteral), (3, Number), (1, Gen.OneOf("true", "false", "null")));

    private static readonly Gen<string> Key = Gen.Frequency((4, Gen.OneOf(Fields).Select(Quote)), (2, StringLiteral));

    /// <summary>A well-formed payment: every field valid, in any order, some written with escapes; a pan or a card token.</summary>
    public static readonly Gen<(string Json, string? Pan)> ValidPayment =
        Gen.Select(ValidFields(), Gen.Bool, CardNumber).SelectMany((fields, usePan, pan) =>
        {
            var card = usePan ? ("pan", Quote(pan)) : ("cardToken", "\"k9.tok_" + Math.Abs(pan.GetHashCode(StringComparison.Ordinal)) + "x\"");
            return Gen.Shuffle(fields.Append(card).ToArray()).Select(all => (Object(all), usePan ? pan : null));
        });

    /// <summary>A payment near the contract: each field valid, random, missing or repeated; extra fields of any shape.</summary>
    public static readonly Gen<string> NearPayment =
        Gen.Select(ValidFields(), CardNumber, Gen.Int[0, 11].Array[9], Value(2).Array[9], Gen.Select(Key, Value(2)).Array[0, 3])
            .SelectMany((fields, pan, modes, randoms, extras) =>
            {
                var chosen = new List<(string Name, string Value)>(extras);
                var all = fields.Append(("pan", Quote(pan))).ToArray();
                for (var i = 0; i < all.Length; i++)
                {
                    switch (modes[i])
                    {
                        case < 8:
                            chosen.Add(all[i]);
                            break;
                        case < 10:
                            chosen.Add((all[i].Item1, randoms[i]));
                            break;
                        case 10:
                            break; // missing
                        default:
                            chosen.Add(all[i]);
                            chosen.Add((all[i].Item1, randoms[i])); // repeated
                            break;
                    }
                }

                return Gen.Shuffle(chosen.ToArray()).Select(Object);
            });

    /// <summary>Any payload: near-payments, random JSON, random bytes, damaged payments, deep nesting, oversize.</summary>
    public static readonly Gen<byte[]> Payload = Gen.Frequency(
        (4, NearPayment.Select(Utf8)),
        (2, Value(4).Select(Utf8)),
        (1, Gen.Byte.Array[0, 300]),
        (2, Gen.Select(NearPayment.Select(Utf8), Gen.Int, Gen.Byte, Gen.Int[0, 3]).Select(Damage)),
        (1, Gen.Select(Gen.Int[1, 300], Gen.Bool).Select(Deep)),
        (1, Gen.Int[8000, 9000].Select(n => Utf8(Object([("merchantId", Quote(new string('m', n)))])))));

    public static Gen<string> Value(int depth) => depth <= 0
        ? Scalar
        : Gen.Frequency(
            (6, Scalar),
            (1, Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Key, Value(depth - 1)).Array[0, 4].Select(Object)));

    public static string Object(IEnumerable<(string Name, string Value)> fields) =>
        "{" + string.Join(",", fields.Select(f => (f.Name.StartsWith('"') ? f.Name : Quote(f.Name)) + ":" + f.Value)) + "}";

    public static string Quote(string text) => "\"" + text + "\"";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Gen<(string, string)[]> ValidFields() =>
        Gen.Select(
            Gen.String[Gen.Char.AlphaNumeric, 1, 12],
            Gen.OneOf("2026-11-28T11:59:00+01:00", "2026-11-28T11:00:00Z", "2026-11-28T06:30:00.125-05:00"),
            Gen.Int[1, 10_000_000],
            Gen.OneOf("EUR", "USD", "GBP", "JPY"),
            Gen.OneOf("5411", "5812", "0742"),
            Gen.OneOf("pos", "ecommerce"),
            Gen.OneOf("m-1", "caf\\u00e9 \\ud83d\\ude00", "Store \\\"One\\\"", "\\u004d-2"),
            Gen.Select(Gen.Int[-89, 89], Gen.Int[-180, 180]).Select((lat, lon) => $"{{\"lat\":{lat}.5,\"lon\":{lon}}}"))
        .Select((id, ts, cents, currency, mcc, channel, merchant, location) => new[]
        {
            ("transactionId", Quote("tx-" + id)),
            ("timestamp", Quote(ts)),
            ("amount", (cents / 100m).ToString(CultureInfo.InvariantCulture)),
            ("currency", Quote(currency)),
            ("mcc", Quote(mcc)),
            ("channel", Quote(channel)),
            ("merchantId", Quote(merchant)),
            ("location", cents % 5 == 0 ? "null" : location),
        });

    private static byte[] Damage(byte[] payload, int position, byte value, int how)
    {
        if (payload.Length == 0)
        {
            return [value];
        }

        var at = (int)((uint)position % (uint)payload.Length);
        return how switch
        {
            0 => [.. payload[..at], value, .. payload[(at + 1)..]],
            1 => [.. payload[..at], value, .. payload[at..]],
            2 => payload[..at],
            _ => [.. payload[..at], 0xED, 0xA0, 0x80, .. payload[at..]], // an encoded surrogate: invalid UTF-8
        };
    }

    private static byte[] Deep(int depth, bool arrays) => Utf8(arrays
        ? "{\"extra\":" + new string('[', depth) + new string(']', depth) + "}"
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));

    /// <summary><paramref name="body"/> with the digit that makes it pass the Luhn check.</summary>
    public static string WithCheckDigit(string body)
    {
        for (var check = '0'; check <= '9'; check++)
        {
            if (Core.Payments.Luhn.IsValid(Encoding.ASCII.GetBytes(body + check)))
            {
                return body + check;
            }
        }

        throw new InvalidOperationException("one check digit always fits");
    }
}
