namespace EdgeAgent.Core.Records;

/// <summary>
/// What an outbound stream remembers across restarts: where it stands, the message in flight (its first and last ids,
/// so that a restart resends exactly the same message under the same id) and its counters. Kept in an
/// <see cref="ICheckpointTable"/>.
/// </summary>
public sealed class StreamState
{
    /// <summary>Records: the last sequence number sent or dropped. Unused by the queues.</summary>
    public long Checkpoint { get; set; }

    /// <summary>First id of the message sent but not yet acknowledged; 0 when none.</summary>
    public long InflightFrom { get; set; }

    /// <summary>Last id of the message sent but not yet acknowledged; 0 when none.</summary>
    public long InflightTo { get; set; }

    /// <summary>Items the cloud acknowledged.</summary>
    public long SentItems { get; set; }

    /// <summary>Messages the cloud acknowledged.</summary>
    public long SentMessages { get; set; }

    /// <summary>Items dropped because the buffer was full.</summary>
    public long DroppedFull { get; set; }

    /// <summary>Items dropped because they were older than the age limit.</summary>
    public long DroppedExpired { get; set; }

    /// <summary>When the cloud last acknowledged a message of this stream; null before the first.</summary>
    public DateTimeOffset? LastSentAt { get; set; }

    /// <summary>Items dropped for either reason.</summary>
    public long Dropped => DroppedFull + DroppedExpired;
}
