namespace EdgeAgent.Cloud;

/// <summary>The kinds of message the agent sends, each a stream sent in order. Alerts go before the others.</summary>
public enum CloudStream
{
    /// <summary>Every outcome, scored or rejected, from the record.</summary>
    Records = 0,

    /// <summary>Reviews and declines, sent ahead of the records backlog.</summary>
    Alerts,

    /// <summary>Periodic metric snapshots.</summary>
    Metrics,
}
