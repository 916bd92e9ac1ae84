namespace EdgeAgent.Cloud;

/// <summary>Where one stream stands: waiting, sent and dropped items.</summary>
public sealed record CloudStreamStatus(long Unsent, long SentItems, long SentMessages, long DroppedFull, long DroppedExpired)
{
    public static CloudStreamStatus Empty { get; } = new(0, 0, 0, 0, 0);

    public long Dropped => DroppedFull + DroppedExpired;
}
