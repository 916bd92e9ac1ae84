using System.Buffers;
using System.Text.Json;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// What is kept of a rejected payload, for someone to find out why a terminal's payments are refused: its shape, never its
/// values. For each top-level field, its name, JSON type and length; the names of fields outside the contract only when
/// they are plain identifiers holding no card number and fewer than 12 digits, else <c>(withheld)</c>; for fields named
/// like sensitive authentication data (CVV, track, PIN block, expiry: PCI DSS v4.0.1 3.3.1) the name alone, flagged, and
/// nothing else. A payload that is not JSON keeps only its size. Bounded: at most <see cref="MaxFields"/> fields.
/// </summary>
public static class DeadLetterSkeleton
{
    /// <summary>Most fields described; the rest are counted.</summary>
    public const int MaxFields = 32;

    private const int MaxNameLength = 32;

    /// <summary>The fewest digits a card number has: a name holding as many is withheld.</summary>
    private const int MaxNameDigits = 12;

    private static readonly string[] KnownFields =
        ["transactionId", "timestamp", "amount", "currency", "pan", "cardToken", "mcc", "channel", "merchantId", "location"];

    private static readonly string[] SensitiveNames =
    [
        "cvv", "cvv2", "cvc", "cvc2", "cav2", "cid", "csc", "securitycode", "cardsecuritycode", "cardverificationvalue",
        "track", "track1", "track2", "trackdata", "track1data", "track2data", "magstripe", "magneticstripe",
        "pin", "pinblock", "pindata", "encryptedpin", "expiry", "expirydate", "exp", "expdate", "expiration",
        "expirationdate", "expirymonth", "expiryyear", "expmonth", "expyear", "validthru",
    ];

    /// <summary>The skeleton of <paramref name="payload"/> as compact JSON.</summary>
    public static byte[] Of(ReadOnlySpan<byte> payload, long receivedLength)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("bytes"u8, receivedLength);
            try
            {
                WriteFields(payload, json);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not JSON (or not readable as text): the size says all that can be said without keeping content.
                json.WriteBoolean("json"u8, false);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFields(ReadOnlySpan<byte> payload, Utf8JsonWriter json)
    {
        if (payload.IsEmpty)
        {
            json.WriteBoolean("json"u8, false);
            return;
        }

        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            json.WriteBoolean("json"u8, reader.TokenType != JsonTokenType.None);
            json.WriteString("root"u8, TypeName(reader.TokenType));
            return;
        }

        // Described fields are written only after the whole payload proved to be JSON, so a truncated one keeps nothing.
        var fields = new List<(string Name, string? Type, long Length, bool Sensitive)>();
        var omitted = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = FieldName(ref reader, out var sensitive);
            reader.Read();
            var type = TypeName(reader.TokenType);
            var start = reader.TokenStartIndex;
            reader.Skip();
            var length = reader.BytesConsumed - start;
            if (fields.Count < MaxFields)
            {
                fields.Add(sensitive ? (name, null, 0, true) : (name, type, length, false));
            }
            else
            {
                omitted++;
            }
        }

        while (reader.Read())
        {
        }

        json.WriteStartArray("fields"u8);
        foreach (var (name, type, length, sensitive) in fields)
        {
            json.WriteStartObject();
            json.WriteString("name"u8, name);
            if (sensitive)
            {
                json.WriteBoolean("sensitive"u8, true);
            }
            else
            {
                json.WriteString("type"u8, type);
                json.WriteNumber("length"u8, length);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (omitted > 0)
        {
            json.WriteNumber("omittedFields"u8, omitted);
        }
    }

    private static string FieldName(ref Utf8JsonReader reader, out bool sensitive)
    {
        sensitive = false;
        foreach (var known in KnownFields)
        {
            if (reader.ValueTextEquals(known))
            {
                return known;
            }
        }

        // A name with a dozen digits may be a card number glued into a token (x4111111111111111), which the scanner lets
        // pass as an id: field names have no need of so many, so it is withheld whatever its digits are.
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > MaxNameLength || !Identifiers.IsValid(reader.ValueSpan)
            || CardNumberScanner.Contains(reader.ValueSpan) || CountDigits(reader.ValueSpan) >= MaxNameDigits)
        {
            return "(withheld)";
        }

        var name = reader.GetString()!;
        var plain = name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        sensitive = SensitiveNames.Contains(plain, StringComparer.OrdinalIgnoreCase);
        return name;
    }

    private static int CountDigits(ReadOnlySpan<byte> name)
    {
        var count = 0;
        foreach (var b in name)
        {
            count += b is >= (byte)'0' and <= (byte)'9' ? 1 : 0;
        }

        return count;
    }

    private static string TypeName(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        _ => "other",
    };
}
