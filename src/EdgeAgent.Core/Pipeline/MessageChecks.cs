using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Checks what a client controls around the payload, before any of it is used: QoS, the retain flag, the payload's size,
/// and the MQTT 5 properties (response topic, correlation data, user properties, content type). A payment with a
/// property out of bounds is refused with its own code; a response topic that cannot be used is never published to,
/// and the refusal goes to the terminal's decisions topic instead. A response topic or correlation data that holds a card
/// number is refused (<c>card_data_misplaced</c>) and never used: the answer goes to the decisions topic without correlation
/// data, and neither is recorded.
/// </summary>
public sealed class MessageChecks(ValidationOptions options, string topicRoot)
{
    private readonly string[] _prefix = SplitTemplate(options.ResponseTopicPrefix);

    /// <summary>Adds the errors of <paramref name="message"/>'s envelope to <paramref name="errors"/>.</summary>
    public void Check(InboundMessage message, TopicAddress? address, List<ValidationError> errors)
    {
        if (message.Qos == 0)
        {
            errors.Add(new ValidationError("$qos", ValidationCodes.QosNotSupported,
                "payments are published with QoS 1: at QoS 0 nothing can confirm that the payment was recorded"));
        }

        if (message.Retain)
        {
            errors.Add(new ValidationError("$retain", ValidationCodes.RetainNotAllowed, "a payment is never retained; publish it without the retain flag"));
        }

        if (message.Length > options.MaxPayloadBytes)
        {
            errors.Add(new ValidationError("$", ValidationCodes.PayloadTooLarge,
                $"payload is {message.Length} bytes; the limit is {options.MaxPayloadBytes}"));
        }

        if (message.CorrelationData is { Length: var correlation } && correlation > options.MaxCorrelationDataBytes)
        {
            errors.Add(new ValidationError("$correlationData", ValidationCodes.CorrelationDataTooLarge,
                $"correlation data is {correlation} bytes; the limit is {options.MaxCorrelationDataBytes}"));
        }
        else if (HoldsCardNumber(message.CorrelationData))
        {
            errors.Add(new ValidationError("$correlationData", ValidationCodes.CardDataMisplaced,
                "the correlation data holds what looks like a card number; it is not returned"));
        }

        if (message.UserPropertyCount > options.MaxUserProperties || message.UserPropertyBytes > options.MaxUserPropertyBytes)
        {
            errors.Add(new ValidationError("$userProperties", ValidationCodes.UserPropertiesTooLarge,
                $"at most {options.MaxUserProperties} user properties of {options.MaxUserPropertyBytes} bytes in all"));
        }

        if (message.ContentType is { } contentType && !IsJson(contentType) && !options.ExtraContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new ValidationError("$contentType", ValidationCodes.UnsupportedContentType, "a payment's content type is application/json"));
        }

        if (message.ResponseTopic is { } responseTopic && ResponseTopicError(responseTopic, address) is { } error)
        {
            errors.Add(error);
        }
    }

    /// <summary>
    /// Where the answer goes: the response topic when it passes the checks, else the terminal's decisions topic, else nowhere
    /// (the topic itself was unusable).
    /// </summary>
    public string? AnswerTopic(InboundMessage message, TopicAddress? address) => AnswerTopic(message, address, []);

    /// <inheritdoc cref="AnswerTopic(InboundMessage, TopicAddress?)"/>
    /// <param name="message">The message.</param>
    /// <param name="address">Its store and terminal, when its topic named them.</param>
    /// <param name="errors">Its errors: the parser refuses a response topic that holds the payment's own card number.</param>
    public string? AnswerTopic(InboundMessage message, TopicAddress? address, IReadOnlyList<ValidationError> errors) =>
        message.ResponseTopic is { } responseTopic && ResponseTopicError(responseTopic, address) is null && !HoldsCardNumber(errors, "$responseTopic")
            ? responseTopic
            : address?.DecisionsTopic(topicRoot);

    /// <summary>The correlation data to return with the answer: none when it was over the limit or held a card number.</summary>
    public byte[]? AnswerCorrelation(InboundMessage message) => AnswerCorrelation(message, []);

    /// <inheritdoc cref="AnswerCorrelation(InboundMessage)"/>
    /// <param name="message">The message.</param>
    /// <param name="errors">Its errors: the parser refuses correlation data that holds the payment's own card number.</param>
    public byte[]? AnswerCorrelation(InboundMessage message, IReadOnlyList<ValidationError> errors) =>
        message.CorrelationData is { } data && data.Length <= options.MaxCorrelationDataBytes && !HoldsCardNumber(data)
            && !HoldsCardNumber(errors, "$correlationData")
            ? data
            : null;

    /// <summary>
    /// Correlation data is bytes that terminals often make from text (an id, a counter): it is read as ASCII, where any other
    /// byte separates, so a card number written in it is found as it would be in a field.
    /// </summary>
    private static bool HoldsCardNumber(byte[]? correlationData) =>
        correlationData is { Length: > 0 } data && CardNumberScanner.Contains(data);

    private static bool HoldsCardNumber(IReadOnlyList<ValidationError> errors, string field)
    {
        foreach (var error in errors)
        {
            if (error.Code == ValidationCodes.CardDataMisplaced && error.Field == field)
            {
                return true;
            }
        }

        return false;
    }

    private ValidationError? ResponseTopicError(string topic, TopicAddress? address)
    {
        if (topic.Length == 0 || topic.Length > options.MaxResponseTopicLength || topic.AsSpan().IndexOfAny("+#\0") >= 0
            || topic[0] == '$' || HasBadCharacters(topic))
        {
            return new ValidationError("$responseTopic", ValidationCodes.InvalidResponseTopic,
                $"a response topic is 1-{options.MaxResponseTopicLength} characters, without wildcards, NUL or a leading $");
        }

        // The topic is recorded with the answer and published to: a card number in it would be kept at rest and sent on.
        if (CardNumberScanner.Contains(topic))
        {
            return new ValidationError("$responseTopic", ValidationCodes.CardDataMisplaced,
                "the response topic holds what looks like a card number; it is not answered on");
        }

        if (address is not { } a || !(UnderPrefix(topic, a) || topic == a.DecisionsTopic(topicRoot)))
        {
            return new ValidationError("$responseTopic", ValidationCodes.ResponseTopicNotAllowed,
                "a response topic is the terminal's decisions topic or lies under " + options.ResponseTopicPrefix);
        }

        return null;
    }

    /// <summary>Matches the topic against the prefix template piece by piece, so checking allocates nothing.</summary>
    private bool UnderPrefix(string topic, TopicAddress address)
    {
        var rest = topic.AsSpan();
        foreach (var part in _prefix)
        {
            var value = part switch
            {
                "{root}" => topicRoot,
                "{store}" => address.StoreId,
                "{terminal}" => address.TerminalId,
                _ => part,
            };
            if (!rest.StartsWith(value, StringComparison.Ordinal))
            {
                return false;
            }

            rest = rest[value.Length..];
        }

        // At least one level of its own after the prefix, and no empty levels.
        return rest.Length > 0 && rest[0] != '/' && !rest.Contains("//", StringComparison.Ordinal);
    }

    /// <summary><c>{root}/{store}/x</c> → <c>["{root}", "/", "{store}", "/x"]</c>.</summary>
    private static string[] SplitTemplate(string template)
    {
        var parts = new List<string>();
        var rest = template;
        while (rest.Length > 0)
        {
            var open = rest.IndexOf('{', StringComparison.Ordinal);
            var close = open < 0 ? -1 : rest.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                parts.Add(rest);
                break;
            }

            if (open > 0)
            {
                parts.Add(rest[..open]);
            }

            parts.Add(rest[open..(close + 1)]);
            rest = rest[(close + 1)..];
        }

        return [.. parts];
    }

    private static bool HasBadCharacters(string topic)
    {
        foreach (var rune in topic.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune == Rune.ReplacementChar)
            {
                return true;
            }
        }

        // A lone surrogate makes EnumerateRunes yield the replacement character, so this also refuses invalid UTF-16.
        return false;
    }

    private static bool IsJson(string contentType)
    {
        var type = contentType.AsSpan();
        var semicolon = type.IndexOf(';');
        if (semicolon >= 0)
        {
            type = type[..semicolon];
        }

        return type.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }
}
