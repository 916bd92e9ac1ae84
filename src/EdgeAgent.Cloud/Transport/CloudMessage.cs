namespace EdgeAgent.Cloud.Transport;

/// <summary>
/// One message to the cloud: a batch of one stream. Records go as an Avro container
/// (<see cref="EdgeAgent.Shared.Uplink.RecordBatchFormat"/>), snapshots as gzip-compressed JSON, alerts as plain JSON
/// (<see cref="EdgeAgent.Shared.Uplink.UplinkPayload"/>). <see cref="MessageId"/> is derived from the stream and the
/// ids of what it holds, so a resend after a failure or a restart carries the same id and the cloud can drop it.
/// </summary>
/// <param name="Stream">What it carries.</param>
/// <param name="MessageId">Stable id (<c>$.mid</c> at IoT Hub).</param>
/// <param name="Body">The Avro container of a records batch; else UTF-8 JSON, gzip-compressed when <paramref name="Compressed"/>.</param>
/// <param name="First">Id of the first item (a record's sequence number, a snapshot's number).</param>
/// <param name="Last">Id of the last item.</param>
/// <param name="Count">Items in the message.</param>
/// <param name="Compressed">Whether <paramref name="Body"/> is binary (Avro or gzip).</param>
public sealed record CloudMessage(CloudStream Stream, string MessageId, byte[] Body, long First, long Last, int Count, bool Compressed = false)
{
    public const string JsonContentType = "application/json";

    /// <summary>The content type (<c>$.ct</c> at IoT Hub): <c>avro/binary</c> for records, else <c>application/json</c>.</summary>
    public string ContentType => Stream == CloudStream.Records ? EdgeAgent.Shared.Uplink.RecordBatchFormat.ContentType : JsonContentType;

    /// <summary>
    /// The content encoding (<c>$.ce</c> at IoT Hub): <c>gzip</c> or <c>utf-8</c>; none for an Avro container, whose
    /// codec is inside it.
    /// </summary>
    public string? ContentEncoding => Stream == CloudStream.Records ? null
        : Compressed ? EdgeAgent.Shared.Uplink.UplinkPayload.Gzip : EdgeAgent.Shared.Uplink.UplinkPayload.Utf8;

    /// <summary>The message-type property: <c>records</c>, <c>alerts</c> or <c>metrics</c>.</summary>
    public string Type => TypeName(Stream);

    public static string TypeName(CloudStream stream) => stream switch
    {
        CloudStream.Records => "records",
        CloudStream.Alerts => "alerts",
        _ => "metrics",
    };
}
