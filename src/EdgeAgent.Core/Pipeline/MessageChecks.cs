using System.Text;
using EdgeAgent.Core.Payments;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// Checks what a client controls around the payload, before any of it is used: QoS, the retain flag, the payload's size,
/// and the MQTT 5 properties (response topic, correlation data, user properties, content type). A payment with a
/// property out of bounds is refused with its own code; a response topic that cannot be used is never published to,
/// and the refusal goes to the terminal's decisions topic instead.
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
    public string? AnswerTopic(InboundMessage message, TopicAddress? address) =>
        message.ResponseTopic is { } responseTopic && ResponseTopicError(responseTopic, address) is null
            ? responseTopic
            : address?.DecisionsTopic(topicRoot);

    /// <summary>The correlation data to return with the answer: none when it was over the limit.</summary>
    public byte[]? AnswerCorrelation(InboundMessage message) =>
        message.CorrelationData is { } data && data.Length <= options.MaxCorrelationDataBytes ? data : null;

    private ValidationError? ResponseTopicError(string topic, TopicAddress? address)
    {
        if (topic.Length == 0 || topic.Length > options.MaxResponseTopicLength || topic.AsSpan().IndexOfAny("+#\0") >= 0
            || topic[0] == '$' || HasBadCharacters(topic))
        {
            return new ValidationError("$responseTopic", ValidationCodes.InvalidResponseTopic,
                $"a response topic is 1-{options.MaxResponseTopicLength} characters, without wildcards, NUL or a leading $");
        }

        // No card-number check here: the terminal chose the topic and sent it through the broker already, so answering on it
        // shows nothing new, while client libraries build such topics from process ids and clocks, long digit runs included.
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
