using System.Buffers;
using System.Text.Json;

namespace EdgeAgent.Core.Payments;

/// <summary>The fields of one payload as they are read, with the errors found on the way.</summary>
internal sealed partial class PaymentFields(List<ValidationError> errors)
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

    /// <summary>A transaction id refused because it held what looks like a card number, masked, so the rejection can still name it.</summary>
    public string? MaskedTransactionId { get; private set; }

    public DateTimeOffset? Timestamp { get; private set; }

    /// <summary>Which node key decrypted the card number (0 the current one), -1 when it came in clear or not at all.</summary>
    public int PanKeyIndex { get; private set; } = -1;

    private decimal? _amount;
    private string? _currency;
    private string? _cardToken;
    private string? _previousCardToken;
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
        PreviousCardToken = _previousCardToken,
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
}
