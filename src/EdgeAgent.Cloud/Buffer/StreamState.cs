namespace EdgeAgent.Cloud.Buffer;

/// <summary>
/// What the buffer remembers of one stream across restarts: where it stands, the message in flight (its first and
/// last ids, so that a restart resends exactly the same message under the same id) and its counters.
/// </summary>
public sealed class StreamState
{
    /// <summary>Records: the last sequence number sent or dropped. Unused by the queues.</summary>
    public long Checkpoint { get; set; }

    /// <summary>First id of the message sent but not yet acknowledged; 0 when none.</summary>
    public long InflightFrom { get; set; }

    public long InflightTo { get; set; }

    public long SentItems { get; set; }

    public long SentMessages { get; set; }

    /// <summary>Items dropped because the buffer was full.</summary>
    public long DroppedFull { get; set; }

    /// <summary>Items dropped because they were older than the age limit.</summary>
    public long DroppedExpired { get; set; }

    public DateTimeOffset? LastSentAt { get; set; }

    public long Dropped => DroppedFull + DroppedExpired;
}
