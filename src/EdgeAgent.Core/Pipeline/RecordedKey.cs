namespace EdgeAgent.Core.Pipeline;

/// <summary>A payment on record: its deduplication key, its sequence number in the store, when it arrived and its fingerprint.</summary>
public readonly record struct RecordedKey(string Key, long Sequence, DateTimeOffset ReceivedAt, long Fingerprint);
