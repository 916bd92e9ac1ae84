namespace EdgeAgent.Core.Payments;

/// <summary>
/// Where a payment came from, read off its topic <c>{root}/{storeId}/{terminalId}/payments</c>, and where
/// its default answer goes (<c>{root}/{storeId}/{terminalId}/decisions</c>).
/// </summary>
public readonly record struct TopicAddress(string StoreId, string TerminalId)
{
    /// <summary>The topic that answers go to when the payment named no MQTT 5 response topic.</summary>
    public string DecisionsTopic(string root) => string.Concat(root, "/", StoreId, "/", TerminalId, "/decisions");

    /// <summary>
    /// Parses a payments topic. Store and terminal ids follow the same grammar as transaction ids
    /// (1–64 of <c>[A-Za-z0-9_-]</c>), so they are safe in keys, topics and file names.
    /// </summary>
    public static bool TryParse(string topic, string root, out TopicAddress address)
    {
        address = default;
        var span = topic.AsSpan();
        if (!span.StartsWith(root, StringComparison.Ordinal) || span.Length <= root.Length || span[root.Length] != '/')
        {
            return false;
        }

        span = span[(root.Length + 1)..];
        var first = span.IndexOf('/');
        if (first < 0)
        {
            return false;
        }

        var store = span[..first];
        span = span[(first + 1)..];
        var second = span.IndexOf('/');
        if (second < 0)
        {
            return false;
        }

        var terminal = span[..second];
        if (!span[(second + 1)..].SequenceEqual("payments") || !Identifiers.IsValid(store) || !Identifiers.IsValid(terminal))
        {
            return false;
        }

        address = new TopicAddress(store.ToString(), terminal.ToString());
        return true;
    }
}
