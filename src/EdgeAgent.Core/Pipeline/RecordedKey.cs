namespace EdgeAgent.Core.Pipeline;

/// <summary>A payment on record: its deduplication key, its sequence number in the store, and when it arrived.</summary>
public readonly record struct RecordedKey(string Key, long Sequence, DateTimeOffset ReceivedAt);
