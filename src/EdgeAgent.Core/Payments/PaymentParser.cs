using System.Text.Json;
using System.Text.Unicode;
using EdgeAgent.Core.Payments.Encryption;
using EdgeAgent.Core.Tokenization;

namespace EdgeAgent.Core.Payments;

/// <summary>
/// Reads a payment payload straight from its UTF-8 bytes and validates it field by field.
/// A hand-written <see cref="Utf8JsonReader"/> loop rather than a deserializer, for two reasons: the card
/// number is read into a stack buffer, tokenized and wiped without ever becoming a string, and every field
/// gets its own precise rejection instead of one generic deserialization error.
/// </summary>
public sealed class PaymentParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow };

    private readonly CardTokenizer _tokenizer;
    private readonly ValidationOptions _options;
    private readonly string _topicRoot;
    private readonly TimeProvider _time;
    private readonly PanDecryptor _decryptor;

    /// <summary>A parser; <paramref name="decryptor"/> holds the node's keys for encrypted card numbers (none, every JWE refused, when null).</summary>
    public PaymentParser(CardTokenizer tokenizer, ValidationOptions options, string topicRoot, TimeProvider time, PanDecryptor? decryptor = null)
    {
        _tokenizer = tokenizer;
        _options = options;
        _topicRoot = topicRoot;
        _time = time;
        _decryptor = decryptor ?? PanDecryptor.None;
    }

    /// <summary>Largest payload parsed, in bytes (<see cref="ValidationOptions.MaxPayloadBytes"/>).</summary>
    public int MaxPayloadBytes => _options.MaxPayloadBytes;

    /// <summary>Reads only the topic (for a payload that is not parsed); adds its error, if any, to <paramref name="errors"/>.</summary>
    public TopicAddress? ParseTopic(string topic, List<ValidationError> errors)
    {
        if (CardNumberScanner.Contains(topic))
        {
            errors.Add(new ValidationError("topic", ValidationCodes.CardDataMisplaced,
                "the topic holds what looks like a card number; a card number goes in pan only"));
            return null;
        }

        if (TopicAddress.TryParse(topic, _topicRoot, out var address))
        {
            return address;
        }

        errors.Add(new ValidationError("topic", ValidationCodes.InvalidTopic,
            $"payments are published to {_topicRoot}/{{storeId}}/{{terminalId}}/payments, ids 1-64 of [A-Za-z0-9_-]"));
        return null;
    }

    /// <summary>
    /// Validates one message. Never throws on any payload. The response topic and correlation data are only looked through
    /// for the payment's own card number (<see cref="Pipeline.MessageChecks"/> checks the rest of them).
    /// <paramref name="overLoopback"/>: the transport saw it arrive over loopback only
    /// (<see cref="Pipeline.InboundMessage.ArrivedOverLoopback"/>), which <see cref="ValidationOptions.ClearPan"/> weighs for
    /// a card number in clear; left out, the message is one the agent made or received over loopback (self-check, tools).
    /// </summary>
    public PaymentParseResult Parse(
        string topic, ReadOnlySpan<byte> payload, string? responseTopic = null, ReadOnlySpan<byte> correlationData = default, bool overLoopback = true)
    {
        var errors = new List<ValidationError>(0);

        // Nothing is ever published to a topic that holds a card number, so such a payment gets no answer.
        var address = ParseTopic(topic, errors);

        if (payload.Length > _options.MaxPayloadBytes)
        {
            errors.Add(new ValidationError("$", ValidationCodes.PayloadTooLarge,
                $"payload is {payload.Length} bytes; the limit is {_options.MaxPayloadBytes}"));
            return PaymentParseResult.Rejected(errors, null, address);
        }

        if (!Utf8.IsValid(payload))
        {
            errors.Add(new ValidationError("$", ValidationCodes.InvalidUtf8, "payload is not valid UTF-8"));
            return PaymentParseResult.Rejected(errors, null, address);
        }

        var fields = new PaymentFields(errors);
        try
        {
            ReadObject(payload, fields, topic, responseTopic, correlationData, ClearPanAllowed(overLoopback));
        }
        catch (JsonException ex)
        {
            return NotJson(errors, fields, address, $"payload is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
        catch (InvalidOperationException)
        {
            // A property name or value with an escape that is not valid Unicode (a lone surrogate such as \uDC00).
            return NotJson(errors, fields, address, "payload holds a \\u escape that is not valid Unicode");
        }

        fields.CheckComplete();
        fields.CheckOwnPan();
        if (fields.OwnPanInTopic)
        {
            // Nothing is published to a topic that holds the card number, not even the terminal's decisions topic.
            address = null;
        }

        CheckTimestamp(fields, errors);
        if (errors.Count > 0 || address is not { } a)
        {
            return PaymentParseResult.Rejected(errors, fields.TransactionId ?? fields.MaskedTransactionId, address);
        }

        return PaymentParseResult.Valid(fields.ToEvent(a), fields.PanKeyIndex);
    }

    private static PaymentParseResult NotJson(List<ValidationError> errors, PaymentFields fields, TopicAddress? address, string message)
    {
        // Field errors found before the payload broke off mean little; what was wrong with the topic still holds, and so does
        // a card number found where it must not be, which keeps the answer off a response topic that holds it.
        errors.RemoveAll(e => e.Field != "topic");
        fields.CheckOwnPan();
        if (fields.OwnPanInTopic)
        {
            address = null;
        }

        if (address is null && errors.Count == 0)
        {
            errors.Add(new ValidationError("topic", ValidationCodes.InvalidTopic, "topic does not match the payments grammar"));
        }

        errors.Add(new ValidationError("$", ValidationCodes.InvalidJson, message));
        return PaymentParseResult.Rejected(errors, fields.TransactionId ?? fields.MaskedTransactionId, address);
    }

    private bool ClearPanAllowed(bool overLoopback) => _options.ClearPan switch
    {
        ClearPanMode.Allow => true,
        ClearPanMode.Loopback => overLoopback,
        _ => false,
    };

    private void ReadObject(ReadOnlySpan<byte> payload, PaymentFields fields, string topic, string? responseTopic, ReadOnlySpan<byte> correlationData, bool clearPanAllowed)
    {
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("root is not an object", null, 0, 0);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = PaymentFields.Identify(ref reader);
            var nameHoldsCardNumber = name == PaymentField.Unknown && PaymentFields.NameHoldsCardNumber(ref reader);
            reader.Read();
            if (name == PaymentField.Unknown)
            {
                // Terminals may send more than the contract asks for; those values are looked through for card numbers
                // and otherwise ignored, never kept.
                fields.ScanUnknown(ref reader, nameHoldsCardNumber);
                continue;
            }

            if (!fields.MarkSeen(name))
            {
                reader.Skip();
                continue;
            }

            if (name == PaymentField.Pan)
            {
                // The pan's own value is the one place its digits may be: everywhere else they are looked for.
                var around = new MessageAround(payload, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, topic, responseTopic, correlationData);
                fields.ReadPan(ref reader, _tokenizer, _decryptor, clearPanAllowed, in around);
            }
            else
            {
                fields.Read(name, ref reader, _options);
            }
        }

        // Reading to the end makes trailing garbage after the object a JSON error rather than silently accepted.
        while (reader.Read())
        {
        }
    }

    private void CheckTimestamp(PaymentFields fields, List<ValidationError> errors)
    {
        if (fields.Timestamp is not { } ts)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (ts > now + _options.MaxClockSkew)
        {
            errors.Add(new ValidationError("timestamp", ValidationCodes.TimestampInFuture,
                $"timestamp is more than {_options.MaxClockSkew.TotalSeconds:0} s ahead of the agent's clock"));
        }
        else if (_options.MaxEventAge is { } maxAge && ts < now - maxAge)
        {
            errors.Add(new ValidationError("timestamp", ValidationCodes.TimestampTooOld,
                $"timestamp is older than {maxAge.TotalHours:0.#} h"));
        }
    }
}
