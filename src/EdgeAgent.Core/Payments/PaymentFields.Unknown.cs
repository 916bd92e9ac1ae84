using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// Fields the contract does not name are ignored and never kept, but they are still looked at once: a card number
/// sent in one (<c>"note": "4111 1111 1111 1111"</c>), in a nested object or even in a field name would otherwise travel
/// through the broker and the dead letters unnoticed, so the payment is refused instead (<c>card_data_misplaced</c>).
/// </summary>
internal sealed partial class PaymentFields
{
    private bool _unknownHeldCardNumber;

    /// <summary>
    /// Looks through an unknown field's value (the reader is on its first token), nested objects and arrays included, and
    /// leaves the reader on its last token. <paramref name="nameHoldsCardNumber"/> says whether the field's name did.
    /// </summary>
    public void ScanUnknown(ref Utf8JsonReader reader, bool nameHoldsCardNumber)
    {
        var found = nameHoldsCardNumber | TokenHoldsCardNumber(ref reader);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = reader.CurrentDepth;
            while (reader.Read() && !(reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                found |= TokenHoldsCardNumber(ref reader);
            }
        }

        if (found && !_unknownHeldCardNumber)
        {
            _unknownHeldCardNumber = true;
            errors.Add(new ValidationError("$", ValidationCodes.CardDataMisplaced,
                "a field outside the contract holds what looks like a card number; a card number goes in pan only"));
        }
    }

    /// <summary>True when the property name at the reader's current token holds a candidate card number.</summary>
    public static bool NameHoldsCardNumber(ref Utf8JsonReader reader) => StringHoldsCardNumber(ref reader);

    private static bool TokenHoldsCardNumber(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String or JsonTokenType.PropertyName => StringHoldsCardNumber(ref reader),
        JsonTokenType.Number => IntegerHoldsCardNumber(reader.ValueSpan),
        _ => false,
    };

    private static bool IntegerHoldsCardNumber(ReadOnlySpan<byte> raw)
    {
        // Only integers: a coordinate printed at full double precision has 16 or 17 digits and is no card number.
        var digits = raw.Length > 0 && raw[0] == (byte)'-' ? raw[1..] : raw;
        return !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9') && CardNumberScanner.Contains(digits);
    }

    private static bool StringHoldsCardNumber(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return CardNumberScanner.Contains(reader.ValueSpan);
        }

        // Escapes (\u0034\u0031...) are decoded before looking, so writing the digits as escapes hides nothing.
        var length = reader.ValueSpan.Length;
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return CardNumberScanner.Contains(buffer[..reader.CopyString(buffer)]);
        }
        catch (InvalidOperationException)
        {
            // Not valid text (a lone surrogate): it cannot be read as digits either.
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
