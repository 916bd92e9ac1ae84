namespace EdgeAgent.Core.Payments;

/// <summary>The stable rejection codes that terminals receive and that metrics count by.</summary>
public static class ValidationCodes
{
    /// <summary>The payload is longer than the agent reads.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>The payload is not UTF-8.</summary>
    public const string InvalidUtf8 = "invalid_utf8";
    /// <summary>The payload is not one JSON object.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>The topic is not <c>{root}/{storeId}/{terminalId}/payments</c> with valid ids.</summary>
    public const string InvalidTopic = "invalid_topic";
    /// <summary>A required field is missing or null.</summary>
    public const string Required = "required";
    /// <summary>A field has another JSON type than the contract gives it.</summary>
    public const string InvalidType = "invalid_type";
    /// <summary>A field has the right type but not the contract's format (a timestamp without offset, a bad card token, ...).</summary>
    public const string InvalidFormat = "invalid_format";
    /// <summary>A text field is longer than its limit.</summary>
    public const string TooLong = "too_long";
    /// <summary>A field appears twice: which one counts would be the parser's choice, so neither does.</summary>
    public const string DuplicateField = "duplicate_field";
    /// <summary>A number is outside its bounds (an amount of zero or above the maximum, a latitude past 90, ...).</summary>
    public const string OutOfRange = "out_of_range";
    /// <summary>The currency is not an active ISO 4217 code.</summary>
    public const string UnknownCurrency = "unknown_currency";
    /// <summary>The card number fails the Luhn check digit.</summary>
    public const string LuhnCheckFailed = "luhn_check_failed";
    /// <summary>Both <c>pan</c> and <c>cardToken</c>, or neither: which card paid is not clear.</summary>
    public const string CardAmbiguous = "card_ambiguous";
    /// <summary>The payment's time is further ahead of the agent's clock than the allowed skew.</summary>
    public const string TimestampInFuture = "timestamp_in_future";
    /// <summary>The payment is older than <see cref="ValidationOptions.MaxEventAge"/>, where that is set.</summary>
    public const string TimestampTooOld = "timestamp_too_old";
    /// <summary>A card number outside <c>pan</c> (another field, a name, the topic, the response topic): refused so that it is never kept.</summary>
    public const string CardDataMisplaced = "card_data_misplaced";
    /// <summary>A transaction id seen before with another payment behind it: not answered with the first answer.</summary>
    public const string DuplicateConflict = "duplicate_conflict";
    /// <summary>A message that crashed the agent as often as the poison limit: refused without parsing it again.</summary>
    public const string PoisonMessage = "poison_message";
    /// <summary>Published with QoS 0: nothing could tell the terminal that it was recorded.</summary>
    public const string QosNotSupported = "qos_not_supported";
    /// <summary>Published with the retain flag: a payment is never kept by the broker for later subscribers.</summary>
    public const string RetainNotAllowed = "retain_not_allowed";
    /// <summary>The MQTT 5 response topic is not a topic the agent can publish to.</summary>
    public const string InvalidResponseTopic = "invalid_response_topic";
    /// <summary>The response topic is outside the terminal's own answer topics.</summary>
    public const string ResponseTopicNotAllowed = "response_topic_not_allowed";
    /// <summary>The MQTT 5 correlation data is longer than the agent echoes back.</summary>
    public const string CorrelationDataTooLarge = "correlation_data_too_large";
    /// <summary>More MQTT 5 user properties, or more bytes of them, than the pipeline's limits.</summary>
    public const string UserPropertiesTooLarge = "user_properties_too_large";
    /// <summary>The MQTT 5 content type is neither JSON nor one of the extra types configured.</summary>
    public const string UnsupportedContentType = "unsupported_content_type";
    /// <summary>The agent failed on this payment for a reason of its own; the terminal may retry.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The card number came as a JWE that is malformed, of another algorithm, or does not decrypt.</summary>
    public const string PanEncryptionInvalid = "pan_encryption_invalid";

    /// <summary>The card number came as a JWE whose kid names no key this node holds.</summary>
    public const string PanKeyUnknown = "pan_key_unknown";

    /// <summary>The card number came in clear on a path where <see cref="ValidationOptions.ClearPan"/> refuses it.</summary>
    public const string PanClearRefused = "pan_clear_refused";

    /// <summary>Every code, for metrics that want a zero for each.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PayloadTooLarge, InvalidUtf8, InvalidJson, InvalidTopic, Required, InvalidType, InvalidFormat, TooLong,
        DuplicateField, OutOfRange, UnknownCurrency, LuhnCheckFailed, CardAmbiguous, TimestampInFuture,
        TimestampTooOld, CardDataMisplaced, DuplicateConflict, PoisonMessage, QosNotSupported,
        RetainNotAllowed, InvalidResponseTopic, ResponseTopicNotAllowed, CorrelationDataTooLarge, UserPropertiesTooLarge,
        UnsupportedContentType, InternalError, PanEncryptionInvalid, PanKeyUnknown, PanClearRefused,
    ];
}
