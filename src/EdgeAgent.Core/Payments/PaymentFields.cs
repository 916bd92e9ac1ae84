using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Payments;

internal enum PaymentField
{
    Unknown = 0,
    TransactionId,
    Timestamp,
    Amount,
    Currency,
    Pan,
    CardToken,
    Mcc,
    Channel,
    MerchantId,
    Location,
}

/// <summary>The fields of one payload as they are read, with the errors found on the way.</summary>
internal sealed class PaymentFields(List<ValidationError> errors)
{
    private const int MinPanDigits = 12;
    private const int MaxPanDigits = 19;
    private const int MaxCardTokenLength = 128;
    private const int MinCardTokenLength = 8;

    private static readonly SearchValues<char> CardTokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:");

    private static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private int _seen;

    public string? TransactionId { get; private set; }

    public DateTimeOffset? Timestamp { get; private set; }

    private decimal? _amount;
    private string? _currency;
    private string? _cardToken;
    private string? _mcc;
    private PaymentChannel? _channel;
    private string? _merchantId;
    private GeoPoint? _location;

    public static PaymentField Identify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("transactionId"u8) ? PaymentField.TransactionId
        : reader.ValueTextEquals("timestamp"u8) ? PaymentField.Timestamp
        : reader.ValueTextEquals("amount"u8) ? PaymentField.Amount
        : reader.ValueTextEquals("currency"u8) ? PaymentField.Currency
        : reader.ValueTextEquals("pan"u8) ? PaymentField.Pan
        : reader.ValueTextEquals("cardToken"u8) ? PaymentField.CardToken
        : reader.ValueTextEquals("mcc"u8) ? PaymentField.Mcc
        : reader.ValueTextEquals("channel"u8) ? PaymentField.Channel
        : reader.ValueTextEquals("merchantId"u8) ? PaymentField.MerchantId
        : reader.ValueTextEquals("location"u8) ? PaymentField.Location
        : PaymentField.Unknown;

    /// <summary>Records that a field appeared; false (and an error) when it appeared before.</summary>
    public bool MarkSeen(PaymentField field)
    {
        var bit = 1 << (int)field;
        if ((_seen & bit) != 0)
        {
            Fail(field, ValidationCodes.DuplicateField, "field appears more than once");
            return false;
        }

        _seen |= bit;
        return true;
    }

    public void Read(PaymentField field, ref Utf8JsonReader reader, ValidationOptions options)
    {
        switch (field)
        {
            case PaymentField.TransactionId:
                if (ReadString(field, ref reader, Identifiers.MaxLength) is { } id)
                {
                    if (Identifiers.IsValid(id))
                    {
                        TransactionId = id;
                    }
                    else
                    {
                        Fail(field, ValidationCodes.InvalidFormat, "transactionId is 1-64 of [A-Za-z0-9_-]");
                    }
                }

                break;
            case PaymentField.Timestamp:
                ReadTimestamp(ref reader);
                break;
            case PaymentField.Amount:
                ReadAmount(ref reader, options.MaxAmount);
                break;
            case PaymentField.Currency:
                if (ReadString(field, ref reader, 3) is { } currency)
                {
                    if (currency.Length == 3 && Currencies.IsKnown(currency))
                    {
                        _currency = currency;
                    }
                    else
                    {
                        Fail(field, ValidationCodes.UnknownCurrency, "currency is not an active ISO 4217 code (e.g. USD, EUR)");
                    }
                }

                break;
            case PaymentField.CardToken:
                ReadCardToken(ref reader);
                break;
            case PaymentField.Mcc:
                if (ReadString(field, ref reader, 4) is { } mcc)
                {
                    if (mcc.Length == 4 && !mcc.AsSpan().ContainsAnyExceptInRange('0', '9'))
                    {
                        _mcc = mcc;
                    }
                    else
                    {
                        Fail(field, ValidationCodes.InvalidFormat, "mcc is a string of 4 digits (ISO 18245)");
                    }
                }

                break;
            case PaymentField.Channel:
                if (ReadString(field, ref reader, 16) is { } channel)
                {
                    _channel = channel switch
                    {
                        "pos" => PaymentChannel.Pos,
                        "ecommerce" => PaymentChannel.Ecommerce,
                        _ => null,
                    };
                    if (_channel is null)
                    {
                        Fail(field, ValidationCodes.InvalidFormat, "channel is \"pos\" or \"ecommerce\"");
                    }
                }

                break;
            case PaymentField.MerchantId:
                if (ReadString(field, ref reader, Identifiers.MaxLength) is { } merchant)
                {
                    if (merchant.Length > 0 && !ContainsControl(merchant))
                    {
                        _merchantId = merchant;
                    }
                    else
                    {
                        Fail(field, ValidationCodes.InvalidFormat, "merchantId is 1-64 printable characters");
                    }
                }

                break;
            case PaymentField.Location:
                ReadLocation(ref reader);
                break;
            default:
                reader.Skip();
                break;
        }
    }

    /// <summary>
    /// Reads the card number into a stack buffer, checks it, tokenizes it and wipes the buffer.
    /// The digits never reach the heap, a string, an error message or a log.
    /// </summary>
    public void ReadPan(ref Utf8JsonReader reader, CardTokenizer tokenizer)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            Fail(PaymentField.Pan, ValidationCodes.InvalidType, "pan is a string of digits");
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
            var length = reader.CopyString(digits);
            var pan = digits[..length];
            if (length is < MinPanDigits or > MaxPanDigits || pan.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                Fail(PaymentField.Pan, ValidationCodes.InvalidFormat, "pan is 12-19 digits");
            }
            else if (!Luhn.IsValid(pan))
            {
                Fail(PaymentField.Pan, ValidationCodes.LuhnCheckFailed, "pan fails the Luhn check digit");
            }
            else
            {
                _cardToken = tokenizer.Tokenize(pan);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    /// <summary>Adds the errors for whatever required field never appeared.</summary>
    public void CheckComplete()
    {
        RequireSeen(PaymentField.TransactionId);
        RequireSeen(PaymentField.Timestamp);
        RequireSeen(PaymentField.Amount);
        RequireSeen(PaymentField.Currency);
        RequireSeen(PaymentField.Mcc);
        RequireSeen(PaymentField.Channel);
        RequireSeen(PaymentField.MerchantId);
        var hasPan = Seen(PaymentField.Pan);
        var hasToken = Seen(PaymentField.CardToken);
        if (hasPan && hasToken)
        {
            Fail(PaymentField.Pan, ValidationCodes.CardAmbiguous, "send exactly one of pan and cardToken, not both");
        }
        else if (!hasPan && !hasToken)
        {
            errors.Add(new ValidationError("pan|cardToken", ValidationCodes.Required, "one of pan and cardToken is required"));
        }
    }

    public PaymentEvent ToEvent(TopicAddress address) => new()
    {
        TransactionId = TransactionId!,
        StoreId = address.StoreId,
        TerminalId = address.TerminalId,
        Timestamp = Timestamp!.Value,
        Amount = _amount!.Value,
        Currency = _currency!,
        CardToken = _cardToken!,
        Mcc = _mcc!,
        Channel = _channel!.Value,
        MerchantId = _merchantId!,
        Location = _location,
    };

    private bool Seen(PaymentField field) => (_seen & (1 << (int)field)) != 0;

    private void RequireSeen(PaymentField field)
    {
        if (!Seen(field))
        {
            Fail(field, ValidationCodes.Required, "field is required");
        }
    }

    private void Fail(PaymentField field, string code, string message) =>
        errors.Add(new ValidationError(FieldName(field), code, message));

    private static string FieldName(PaymentField field) => field switch
    {
        PaymentField.TransactionId => "transactionId",
        PaymentField.Timestamp => "timestamp",
        PaymentField.Amount => "amount",
        PaymentField.Currency => "currency",
        PaymentField.Pan => "pan",
        PaymentField.CardToken => "cardToken",
        PaymentField.Mcc => "mcc",
        PaymentField.Channel => "channel",
        PaymentField.MerchantId => "merchantId",
        PaymentField.Location => "location",
        _ => "$",
    };

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

        var value = reader.GetString()!;
        if (value.Length > maxLength)
        {
            Fail(field, ValidationCodes.TooLong, $"{FieldName(field)} is at most {maxLength} characters");
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
            // A token made only of 12-19 digits may well be a card number sent in the wrong field:
            // refusing it keeps a PAN from being stored as if it were a token.
            Fail(PaymentField.CardToken, ValidationCodes.InvalidFormat, "cardToken looks like a card number; send it as pan");
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
