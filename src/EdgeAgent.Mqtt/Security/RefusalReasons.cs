namespace EdgeAgent.Mqtt.Security;

/// <summary>The metric tag of each <see cref="RefusalReason"/>.</summary>
public static class RefusalReasons
{
    private static readonly string[] Tags =
    [
        "reserved_client_id",
        "client_id_not_allowed",
        "anonymous",
        "bad_credentials",
        "certificate_invalid",
        "unknown_identity",
        "identity_mismatch",
        "role_not_allowed",
        "other_terminal",
        "topic_not_allowed",
        "retained",
        "wildcard_subscription",
        "subscription_not_allowed",
        "response_topic",
        "password_backoff",
    ];

    /// <summary>Every reason, in enum order.</summary>
    public static IReadOnlyList<RefusalReason> All { get; } = Enum.GetValues<RefusalReason>();

    /// <summary>The snake_case tag, e.g. <c>other_terminal</c>.</summary>
    public static string Tag(this RefusalReason reason) => Tags[(int)reason];
}
