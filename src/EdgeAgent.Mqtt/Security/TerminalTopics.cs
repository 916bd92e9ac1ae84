using EdgeAgent.Core.Payments;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// A terminal's own space under the topic root: it publishes <c>{root}/{store}/{terminal}/payments</c> and reads
/// <c>{root}/{store}/{terminal}/decisions</c> and anything under <c>{root}/{store}/{terminal}/responses/</c>, the only
/// places its answers may go. The shipped mosquitto ACL grants exactly these.
/// </summary>
public static class TerminalTopics
{
    /// <summary>The level of answers without a response topic.</summary>
    public const string Decisions = "decisions";

    /// <summary>The level under which a terminal picks its response topics.</summary>
    public const string Responses = "responses";

    /// <summary>The level of payments.</summary>
    public const string Payments = "payments";

    /// <summary>
    /// True when <paramref name="topic"/> is <paramref name="storeId"/>/<paramref name="terminalId"/>'s decisions topic
    /// or lies under its responses prefix: a topic name (no wildcards), no empty levels after the prefix.
    /// </summary>
    public static bool IsOwnAnswerTopic(string root, string storeId, string terminalId, string topic)
    {
        if (!IsTopicName(topic) || !TrySplitTerminal(root, topic, out var store, out var terminal, out var rest))
        {
            return false;
        }

        if (!store.Equals(storeId, StringComparison.Ordinal) || !terminal.Equals(terminalId, StringComparison.Ordinal))
        {
            return false;
        }

        return rest.Equals(Decisions, StringComparison.Ordinal)
            || (rest.StartsWith(Responses + "/", StringComparison.Ordinal) && rest.Length > Responses.Length + 1 && !rest.Contains("//", StringComparison.Ordinal));
    }

    /// <summary>True for <c>{root}/{store}/{terminal}/payments</c> with valid ids; gives them.</summary>
    public static bool TryParsePayments(string root, string topic, out string storeId, out string terminalId)
    {
        storeId = terminalId = "";
        if (!TrySplitTerminal(root, topic, out var store, out var terminal, out var rest) || !rest.Equals(Payments, StringComparison.Ordinal))
        {
            return false;
        }

        if (!Identifiers.IsValid(store) || !Identifiers.IsValid(terminal))
        {
            return false;
        }

        storeId = store.ToString();
        terminalId = terminal.ToString();
        return true;
    }

    /// <summary>True for any topic (or filter) whose first level is the root.</summary>
    public static bool IsUnderRoot(string root, string topic) =>
        topic.Length > root.Length && topic.StartsWith(root, StringComparison.Ordinal) && topic[root.Length] == '/';

    /// <summary>True for an MQTT topic name: not empty, no wildcard, no NUL, not a <c>$</c> system topic.</summary>
    public static bool IsTopicName(string topic) =>
        topic.Length > 0 && topic[0] != '$' && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0;

    /// <summary>Splits <c>{root}/{store}/{terminal}/{rest}</c>; rest may contain further levels.</summary>
    private static bool TrySplitTerminal(string root, string topic, out ReadOnlySpan<char> store, out ReadOnlySpan<char> terminal, out ReadOnlySpan<char> rest)
    {
        store = terminal = rest = default;
        if (!IsUnderRoot(root, topic))
        {
            return false;
        }

        var span = topic.AsSpan(root.Length + 1);
        var first = span.IndexOf('/');
        if (first <= 0)
        {
            return false;
        }

        store = span[..first];
        span = span[(first + 1)..];
        var second = span.IndexOf('/');
        if (second <= 0)
        {
            return false;
        }

        terminal = span[..second];
        rest = span[(second + 1)..];
        return !rest.IsEmpty;
    }
}
