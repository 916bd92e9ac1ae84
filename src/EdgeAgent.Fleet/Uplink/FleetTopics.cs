namespace EdgeAgent.Fleet.Uplink;

/// <summary>
/// The uplink's topics, one set per store: <c>{root}/{store}/deltas</c> and <c>{root}/{store}/fetch</c> (store →
/// fleet), <c>{root}/{store}/profiles</c> and <c>{root}/{store}/receipts</c> (fleet → store). The store segment is
/// the sender's identity, which the broker's ACL enforces.
/// </summary>
public static class FleetTopics
{
    public const string Deltas = "deltas";
    public const string Fetch = "fetch";
    public const string Profiles = "profiles";
    public const string Receipts = "receipts";

    /// <summary>The MQTT 5 user property naming the card a profile message is for.</summary>
    public const string TokenProperty = "token";

    public static string For(string root, string store, string kind) => $"{root}/{store}/{kind}";

    public static bool TryParse(string root, string topic, out string store, out string kind)
    {
        store = "";
        kind = "";
        if (!topic.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic[(root.Length + 1)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || rest.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        store = rest[..slash];
        kind = rest[(slash + 1)..];
        return kind is Deltas or Fetch;
    }

    /// <summary>The kind of an agent's metric snapshot topic, <c>{telemetry root}/{store}/metrics</c>.</summary>
    public const string Metrics = "metrics";

    /// <summary>The kind of an agent's reported-properties topic, <c>{telemetry root}/{store}/reported</c> (its <c>Cloud:ReportedTopic</c>).</summary>
    public const string Reported = "reported";

    /// <summary>The store of an agent's metrics topic <c>{root}/{store}/metrics</c>.</summary>
    public static bool TryParseMetrics(string root, string topic, out string store) => TryParseAgent(root, topic, Metrics, out store);

    /// <summary>The store of an agent's reported-properties topic <c>{root}/{store}/reported</c>.</summary>
    public static bool TryParseReported(string root, string topic, out string store) => TryParseAgent(root, topic, Reported, out store);

    private static bool TryParseAgent(string root, string topic, string kind, out string store)
    {
        store = "";
        if (!topic.StartsWith(root + "/", StringComparison.Ordinal) || !topic.EndsWith("/" + kind, StringComparison.Ordinal))
        {
            return false;
        }

        var middle = topic[(root.Length + 1)..^(kind.Length + 1)];
        if (middle.Length == 0 || middle.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        store = middle;
        return true;
    }
}
