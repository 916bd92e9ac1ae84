namespace EdgeAgent.Cloud;

/// <summary>
/// What goes first when the unsent backlog reaches <see cref="CloudOptions.BufferMaxBytes"/>. Always the oldest of a
/// kind; alerts (reviews and declines) go last under either policy. Every drop is counted and reported.
/// </summary>
public enum BufferFullPolicy
{
    /// <summary>Drop the oldest metric snapshots, then the oldest records, then the oldest alerts.</summary>
    DropMetricsFirst = 0,

    /// <summary>Drop the oldest records, then the oldest metric snapshots, then the oldest alerts.</summary>
    DropRecordsFirst,
}
