namespace EdgeAgent.Cloud;

/// <summary>The cloud sync as the agent's status, metrics and snapshots show it.</summary>
public interface ICloudStatus
{
    /// <summary>False when <c>Cloud:Transport</c> is <c>None</c>.</summary>
    bool Enabled { get; }

    /// <summary>Where it sends.</summary>
    string Target { get; }

    bool Connected { get; }

    CloudStreamStatus Stream(CloudStream stream);

    /// <summary>Unsent data, in bytes as it will be sent (records estimated).</summary>
    long BufferBytes { get; }

    /// <summary>The limit in force.</summary>
    long BufferMaxBytes { get; }

    /// <summary>Age of the oldest unsent item, or null when nothing waits.</summary>
    TimeSpan? OldestUnsentAge { get; }

    /// <summary>When the cloud last acknowledged a message.</summary>
    DateTimeOffset? LastSyncAt { get; }

    /// <summary>Sends that failed (not connected, refused, throttled, timed out) and were retried.</summary>
    long SendFailures { get; }
}
