namespace EdgeAgent.Core.Records;

/// <summary>One item on its way off the node, already encoded: a record, an alert or a metric snapshot.</summary>
/// <param name="Id">Its id in its stream (a record's sequence number, a snapshot's number).</param>
/// <param name="Json">Its UTF-8 JSON.</param>
/// <param name="At">When it happened (received, taken), for the age limit.</param>
public sealed record EncodedItem(long Id, byte[] Json, DateTimeOffset At);
