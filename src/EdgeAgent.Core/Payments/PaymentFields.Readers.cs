using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Core.Payments.Encryption;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Payments;

/// <summary>The typed readers of <see cref="PaymentFields"/>: each reads one field and reports its own errors.</summary>
internal sealed partial class PaymentFields
{
    /// <summary>
    /// Reads the card number into a stack buffer, checks it, tokenizes it and wipes the buffer. The value is either the
    /// digits (where <paramref name="clearAllowed"/>) or a JWE of them, decrypted straight into the same buffer.
    /// The digits never reach the heap, a string, an error message or a log.
    /// </summary>
    public void ReadPan(ref Utf8JsonReader reader, CardTokenizer tokenizer, PanDecryptor decryptor, bool clearAllowed, scoped in MessageAround around)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Fail(PaymentField.Pan, ValidationCodes.InvalidType, "pan is a string of digits");
            return;
        }

        // A JWE's five parts are joined by dots; a card number has none.
        if (reader.ValueSpan.Contains((byte)'.'))
        {
            ReadEncryptedPan(ref reader, tokenizer, decryptor, in around);
            return;
        }

        if (!clearAllowed)
        {
            Fail(PaymentField.Pan, ValidationCodes.PanClearRefused,
                "pan must be encrypted to this node's key (a JWE, ECDH-ES with A256GCM) on this path; see the terminal contract");
            return;
        }

        // Escapes can only make the raw value longer than its text, so a short raw value always fits.
        if (reader.ValueSpan.Length > MaxPanDigits * 6)
        {
            Fail(PaymentField.Pan, ValidationCodes.InvalidFormat, "pan is 12-19 digits");
            return;
        }

        Span<byte> digits = stackalloc byte[MaxPanDigits * 6];
        try
        {
            int length;
            try
            {
                length = reader.CopyString(digits);
            }
            catch (InvalidOperationException)
            {
                Fail(PaymentField.Pan, ValidationCodes.InvalidFormat, "pan is 12-19 digits");
                return;
            }

            Tokenize(digits[..length], tokenizer, in around);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    private void ReadEncryptedPan(ref Utf8JsonReader reader, CardTokenizer tokenizer, PanDecryptor decryptor, scoped in MessageAround around)
    {
        // A JWE is base64url and dots: an escape in it is never needed, so it is refused rather than decoded.
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > PanDecryptor.MaxJweLength)
        {
            Fail(PaymentField.Pan, ValidationCodes.PanEncryptionInvalid, $"pan is a JWE in compact form of at most {PanDecryptor.MaxJweLength} characters");
            return;
        }

        Span<byte> digits = stackalloc byte[MaxPanDigits];
        try
        {
            var result = decryptor.Decrypt(reader.ValueSpan, digits, out var length, out var keyIndex);
            switch (result)
            {
                case PanDecryptionResult.Decrypted:
                    PanKeyIndex = keyIndex;
                    Tokenize(digits[..length], tokenizer, in around);
                    break;
                case PanDecryptionResult.UnknownKey:
                    Fail(PaymentField.Pan, ValidationCodes.PanKeyUnknown, "pan's JWE names a kid this node holds no key for; encrypt to the node's current public key");
                    break;
                case PanDecryptionResult.Unsupported:
                    Fail(PaymentField.Pan, ValidationCodes.PanEncryptionInvalid, "pan's JWE uses alg ECDH-ES, enc A256GCM, an epk on P-256, and no crit or zip");
                    break;
                case PanDecryptionResult.InvalidKey:
                    Fail(PaymentField.Pan, ValidationCodes.PanEncryptionInvalid, "pan's JWE epk is not a point on P-256");
                    break;
                case PanDecryptionResult.NotAuthentic:
                    Fail(PaymentField.Pan, ValidationCodes.PanEncryptionInvalid, "pan's JWE does not decrypt: it was changed, or encrypted to another key");
                    break;
                default:
                    Fail(PaymentField.Pan, ValidationCodes.PanEncryptionInvalid,
                        "pan's JWE is not five base64url parts (header, empty key, 12-byte iv, 12-19 digits, 16-byte tag) with a header of alg, enc, kid and epk");
                    break;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    /// <summary>
    /// Checks the digits, tokenizes them and looks for them everywhere else in the message; the caller wipes them.
    /// </summary>
    private void Tokenize(ReadOnlySpan<byte> pan, CardTokenizer tokenizer, scoped in MessageAround around)
    {
        if (pan.Length is < MinPanDigits or > MaxPanDigits || pan.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            Fail(PaymentField.Pan, ValidationCodes.InvalidFormat, "pan is 12-19 digits");
        }
        else if (!Luhn.IsValid(pan))
        {
            Fail(PaymentField.Pan, ValidationCodes.LuhnCheckFailed, "pan fails the Luhn check digit");
        }
        else
        {
            (_cardToken, _previousCardToken) = tokenizer.TokenizeWithPrevious(pan);
            LookForOwnPan(pan, in around);
        }
    }

    private string? ReadString(PaymentField field, ref Utf8JsonReader reader, int maxLength)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Fail(field, ValidationCodes.InvalidType, $"{FieldName(field)} is a string");
            return null;
        }

        // A raw value far longer than allowed is refused before it is ever decoded into a string.
        if (reader.ValueSpan.Length > maxLength * 6)
        {
            Fail(field, ValidationCodes.TooLong, $"{FieldName(field)} is at most {maxLength} characters");
            return null;
        }

        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\uDC00) is valid JSON but not valid text.
            Fail(field, ValidationCodes.InvalidFormat, $"{FieldName(field)} holds an escape that is not valid Unicode");
            return null;
        }

        if (value.Length > maxLength)
        {
            Fail(field, ValidationCodes.TooLong, $"{FieldName(field)} is at most {maxLength} characters");
            return null;
        }

        if (CardNumberScanner.Contains(value))
        {
            Fail(field, ValidationCodes.CardDataMisplaced, $"{FieldName(field)} holds what looks like a card number; a card number goes in pan only");
            if (field == PaymentField.TransactionId)
            {
                MaskedTransactionId = CardNumberScanner.Mask(value);
            }

            return null;
        }

        return value;
    }

    private void ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Fail(PaymentField.Timestamp, ValidationCodes.InvalidType, "timestamp is an ISO 8601 string");
            return;
        }

        var raw = reader.ValueSpan;
        if (reader.ValueIsEscaped || !HasExplicitOffset(raw) || !reader.TryGetDateTimeOffset(out var ts))
        {
            Fail(PaymentField.Timestamp, ValidationCodes.InvalidFormat,
                "timestamp is ISO 8601 with a UTC offset, e.g. 2026-11-28T14:03:07.250+01:00 or ...Z");
            return;
        }

        if (ts < EarliestTimestamp)
        {
            Fail(PaymentField.Timestamp, ValidationCodes.OutOfRange, "timestamp is before the year 2000");
            return;
        }

        Timestamp = ts;
    }

    private static bool ContainsControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasExplicitOffset(ReadOnlySpan<byte> raw) =>
        raw.Length > 6 && (raw[^1] is (byte)'Z' or (byte)'z' || (raw[^6] is (byte)'+' or (byte)'-' && raw[^3] == (byte)':'));

    private void ReadAmount(ref Utf8JsonReader reader, decimal maxAmount)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            Fail(PaymentField.Amount, ValidationCodes.InvalidType, "amount is a JSON number");
            return;
        }

        if (!reader.TryGetDecimal(out var amount) || amount > maxAmount)
        {
            Fail(PaymentField.Amount, ValidationCodes.OutOfRange, $"amount is at most {maxAmount}");
        }
        else if (amount <= 0)
        {
            Fail(PaymentField.Amount, ValidationCodes.OutOfRange, "amount is greater than zero");
        }
        else
        {
            _amount = amount;
        }
    }

    private void ReadCardToken(ref Utf8JsonReader reader)
    {
        if (ReadString(PaymentField.CardToken, ref reader, MaxCardTokenLength) is not { } token)
        {
            return;
        }

        if (token.Length < MinCardTokenLength || token.AsSpan().ContainsAnyExcept(CardTokenChars))
        {
            Fail(PaymentField.CardToken, ValidationCodes.InvalidFormat, "cardToken is 8-128 of [A-Za-z0-9_.:-]");
        }
        else if (token.Length is >= MinPanDigits and <= MaxPanDigits && !token.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            // A token made only of 12-19 digits may well be a card number sent in the wrong field (ReadString already
            // refused the Luhn-valid ones): refusing it keeps a PAN from being stored as if it were a token.
            Fail(PaymentField.CardToken, ValidationCodes.CardDataMisplaced, "cardToken looks like a card number; send it as pan");
        }
        else
        {
            _cardToken = token;
        }
    }

    private void ReadLocation(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            Fail(PaymentField.Location, ValidationCodes.InvalidType, "location is an object {lat, lon}");
            return;
        }

        double? lat = null, lon = null;
        var typeError = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLat = reader.ValueTextEquals("lat"u8);
            var isLon = reader.ValueTextEquals("lon"u8);
            reader.Read();
            if (!isLat && !isLon)
            {
                reader.Skip();
            }
            else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value))
            {
                reader.Skip();
                typeError = true;
            }
            else if (isLat)
            {
                lat = value;
            }
            else
            {
                lon = value;
            }
        }

        if (typeError || lat is null || lon is null)
        {
            Fail(PaymentField.Location, ValidationCodes.InvalidType, "location has numbers lat and lon");
        }
        else if (lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            Fail(PaymentField.Location, ValidationCodes.OutOfRange, "lat is within [-90, 90] and lon within [-180, 180]");
        }
        else
        {
            _location = new GeoPoint(lat.Value, lon.Value);
        }
    }
}
