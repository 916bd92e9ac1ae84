namespace EdgeAgent.Cloud.Buffer;

/// <summary>One item of a message, already encoded: a record, an alert or a snapshot.</summary>
/// <param name="Id">Its id in its stream (a record's sequence number, a snapshot's number).</param>
/// <param name="Json">Its UTF-8 JSON.</param>
/// <param name="At">When it happened (received, taken), for the age limit.</param>
public sealed record EncodedItem(long Id, byte[] Json, DateTimeOffset At);
