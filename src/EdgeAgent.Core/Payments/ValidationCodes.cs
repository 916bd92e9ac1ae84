namespace EdgeAgent.Core.Payments;

/// <summary>The stable rejection codes that terminals receive and that metrics count by.</summary>
public static class ValidationCodes
{
    public const string PayloadTooLarge = "payload_too_large";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string InvalidJson = "invalid_json";
    public const string InvalidTopic = "invalid_topic";
    public const string Required = "required";
    public const string InvalidType = "invalid_type";
    public const string InvalidFormat = "invalid_format";
    public const string TooLong = "too_long";
    public const string DuplicateField = "duplicate_field";
    public const string OutOfRange = "out_of_range";
    public const string UnknownCurrency = "unknown_currency";
    public const string LuhnCheckFailed = "luhn_check_failed";
    public const string CardAmbiguous = "card_ambiguous";
    public const string TimestampInFuture = "timestamp_in_future";
    public const string TimestampTooOld = "timestamp_too_old";
    public const string CardDataMisplaced = "card_data_misplaced";
    public const string DuplicateConflict = "duplicate_conflict";
    public const string PoisonMessage = "poison_message";
    public const string QosNotSupported = "qos_not_supported";
    public const string RetainNotAllowed = "retain_not_allowed";
    public const string InvalidResponseTopic = "invalid_response_topic";
    public const string ResponseTopicNotAllowed = "response_topic_not_allowed";
    public const string CorrelationDataTooLarge = "correlation_data_too_large";
    public const string UserPropertiesTooLarge = "user_properties_too_large";
    public const string UnsupportedContentType = "unsupported_content_type";
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
