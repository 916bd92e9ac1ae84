namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// The topic rules of each role, without counting: what <see cref="TerminalAccessPolicy"/> decides. A terminal
/// writes only its own payments and reads only its own decisions and responses; an operator reads every terminal's
/// decisions and responses and writes nothing; a local client may act as any terminal. Nobody publishes retained
/// messages, answers or other terminals' payments, and nobody subscribes to <c>#</c> or with wildcards over the
/// store and terminal levels (an operator or a local client may use <c>+</c> there, but never a filter that could match payments).
/// </summary>
internal static class TopicRules
{
    public static AccessDecision Publish(string root, TerminalIdentity identity, string topic, bool retain)
    {
        if (retain)
        {
            return AccessDecision.Refuse(RefusalReason.Retained);
        }

        if (TerminalTopics.IsUnderRoot(root, topic) && topic.EndsWith("/" + TerminalTopics.Payments, StringComparison.Ordinal))
        {
            return identity.Role switch
            {
                TerminalRole.Local => AccessDecision.Allow, // malformed payment topics reach the pipeline, which answers invalid_topic
                TerminalRole.Terminal => TerminalTopics.TryParsePayments(root, topic, out var store, out var terminal) && identity.IsTerminal(store, terminal)
                    ? AccessDecision.Allow
                    : AccessDecision.Refuse(RefusalReason.OtherTerminal),
                _ => AccessDecision.Refuse(RefusalReason.TopicNotAllowed),
            };
        }

        // Under the root only payments are written by clients; answers come from the agent alone. Outside it, only
        // local tools publish (a terminal has nothing to say there, and an operator nothing at all).
        return identity.Role == TerminalRole.Local && !TerminalTopics.IsUnderRoot(root, topic) && TerminalTopics.IsTopicName(topic)
            ? AccessDecision.Allow
            : AccessDecision.Refuse(RefusalReason.TopicNotAllowed);
    }

    public static AccessDecision Payment(TerminalIdentity identity, string storeId, string terminalId) => identity.Role switch
    {
        TerminalRole.Local => AccessDecision.Allow,
        TerminalRole.Terminal => identity.IsTerminal(storeId, terminalId) ? AccessDecision.Allow : AccessDecision.Refuse(RefusalReason.OtherTerminal),
        _ => AccessDecision.Refuse(RefusalReason.TopicNotAllowed),
    };

    public static AccessDecision Subscription(string root, TerminalIdentity identity, string filter)
    {
        if (filter.Length == 0 || filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return AccessDecision.Refuse(RefusalReason.SubscriptionNotAllowed);
        }

        var levels = filter.Split('/');
        if (IsWildcard(levels[0]))
        {
            return AccessDecision.Refuse(RefusalReason.WildcardSubscription); // '#', '+/…': would match the root's topics
        }

        if (levels[0] != root)
        {
            return identity.Role == TerminalRole.Local && filter[0] != '$'
                ? AccessDecision.Allow
                : AccessDecision.Refuse(RefusalReason.SubscriptionNotAllowed);
        }

        if (levels.Length < 4)
        {
            return AccessDecision.Refuse(levels.Any(l => l == "#") ? RefusalReason.WildcardSubscription : RefusalReason.SubscriptionNotAllowed);
        }

        var storeWildcard = IsWildcard(levels[1]) || IsWildcard(levels[2]);
        // An operator, or a tool on the node itself (anonymous local clients), may follow many terminals' answers.
        if (levels[1] == "#" || levels[2] == "#" || levels[3] == "#" || (storeWildcard && identity.Role is not (TerminalRole.Operator or TerminalRole.Local)))
        {
            return AccessDecision.Refuse(RefusalReason.WildcardSubscription);
        }

        if (!IsAnswerFilter(levels))
        {
            return AccessDecision.Refuse(IsWildcard(levels[3]) ? RefusalReason.WildcardSubscription : RefusalReason.SubscriptionNotAllowed);
        }

        return identity.Role switch
        {
            TerminalRole.Operator or TerminalRole.Local => AccessDecision.Allow,
            TerminalRole.Terminal when identity.IsTerminal(levels[1], levels[2]) => AccessDecision.Allow,
            _ => AccessDecision.Refuse(RefusalReason.SubscriptionNotAllowed),
        };
    }

    public static AccessDecision ResponseTopic(string root, TerminalIdentity identity, string storeId, string terminalId, string topic)
    {
        var own = TerminalTopics.IsOwnAnswerTopic(root, storeId, terminalId, topic);
        return identity.Role switch
        {
            TerminalRole.Terminal when identity.IsTerminal(storeId, terminalId) && own => AccessDecision.Allow,

            // A local tool publishes as the terminal it names and is held to the same rule the pipeline applies, so a payment
            // the broker lets through is never refused later for its response topic alone.
            TerminalRole.Local when own => AccessDecision.Allow,
            _ => AccessDecision.Refuse(RefusalReason.ResponseTopic),
        };
    }

    /// <summary><c>{root}/{s}/{t}/decisions</c>, or <c>{root}/{s}/{t}/responses/…</c> with something after it.</summary>
    private static bool IsAnswerFilter(string[] levels) =>
        (levels.Length == 4 && levels[3] == TerminalTopics.Decisions)
        || (levels.Length >= 5 && levels[3] == TerminalTopics.Responses && levels.Skip(4).All(l => l.Length > 0));

    private static bool IsWildcard(string level) => level is "+" or "#";
}
